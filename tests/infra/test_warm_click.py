"""How an admin's first click after a quiet spell meets the API and the authorizer.

That click meets a cold authorizer, then a cold API function. By default both run with
SnapStart: API Gateway calls a `live` alias on each function's newest version, and a cold
start resumes that version's snapshot, taken after its init at deploy.
`-c apiProvisionedConcurrency=N` keeps N environments initialized on the same alias
instead (Lambda takes one or the other); `-c apiSnapStart=false` with no provisioned
concurrency has API Gateway call the functions themselves, and nothing is published."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda as lambda_

from infra.functions import PipelineFunction
from tests.infra.conftest import Synthesized, synthesize
from tests.infra.test_stack import alias_of, function_id, one, refs

CLICK = ("api", "authorizer")
ORIGINS = {"allowedOrigins": "https://admin.example.com"}


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk.out.provisioned"),
        {**ORIGINS, "apiProvisionedConcurrency": "2"},
    )


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk.out.plain"), {**ORIGINS, "apiSnapStart": "false"}
    )


def api_method(synth: Synthesized) -> dict[str, Any]:
    (method,) = [
        m["Properties"]
        for m in synth.of_type("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "ANY"
    ]
    return dict(method)


def invoke_grants(synth: Synthesized) -> set[str]:
    """What API Gateway may invoke: the logical ids the Lambda permissions name."""
    return {
        target
        for permission in synth.of_type("AWS::Lambda::Permission").values()
        if permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
        for target in refs(permission["Properties"]["FunctionName"])
    }


def snap_start(synth: Synthesized, name: str, region: str = "us-east-1") -> Any:
    """The function's SnapStart as CloudFormation resolves it when deployed to `region`."""
    return in_region(synth, synth.props(function_id(synth, name)).get("SnapStart"), region)


def in_region(synth: Synthesized, value: Any, region: str) -> Any:
    """`value` with its `Fn::If`s on the template's conditions resolved in `region`
    (`AWS::NoValue`: None); the conditions the stack uses are of the region alone."""
    if isinstance(value, dict) and "Fn::If" in value:
        condition, then, otherwise = value["Fn::If"]
        holds = holds_in(synth, synth.template["Conditions"][condition], region)
        return in_region(synth, then if holds else otherwise, region)
    if value == {"Ref": "AWS::NoValue"}:
        return None
    return value


def holds_in(synth: Synthesized, expression: dict[str, Any], region: str) -> bool:
    ((function, arguments),) = expression.items()
    if function == "Fn::Not":
        return not holds_in(synth, arguments[0], region)
    if function == "Fn::Or":
        return any(holds_in(synth, argument, region) for argument in arguments)
    if function == "Fn::Equals":
        values = [region if a == {"Ref": "AWS::Region"} else a for a in arguments]
        return bool(values[0] == values[1])
    if function == "Condition":
        return holds_in(synth, synth.template["Conditions"][arguments], region)
    raise AssertionError(f"a condition the test cannot read: {expression}")


def called_by_api_gateway(synth: Synthesized) -> set[str]:
    authorizer = synth.props(one(synth, "AWS::ApiGateway::Authorizer", "Api"))
    return refs(api_method(synth)["Integration"]["Uri"]) | refs(authorizer["AuthorizerUri"])


def assert_live_alias_on_newest_version(synth: Synthesized, name: str) -> dict[str, Any]:
    _, alias = alias_of(synth, name)
    assert alias["Name"] == "live"
    (version,) = refs(alias["FunctionVersion"])
    published = synth.resources[version]
    assert published["Type"] == "AWS::Lambda::Version"
    assert published["Properties"]["FunctionName"] == {"Ref": function_id(synth, name)}
    # A version the alias moved off is removed (with its snapshot), so deploys do not
    # pile versions up.
    assert published["DeletionPolicy"] == "Delete"
    return alias


@pytest.mark.parametrize("name", CLICK)
def test_by_default_each_click_function_resumes_a_snapshot_of_its_newest_version(
    synthesized: Synthesized, name: str
) -> None:
    assert snap_start(synthesized, name) == {"ApplyOn": "PublishedVersions"}
    alias = assert_live_alias_on_newest_version(synthesized, name)
    assert "ProvisionedConcurrencyConfig" not in alias


@pytest.mark.parametrize("name", CLICK)
@pytest.mark.parametrize(
    ("region", "offered"),
    [
        ("ap-southeast-6", False),
        ("ap-east-2", False),
        ("eu-west-1", True),
        ("ap-southeast-2", True),
    ],
)
def test_snapstart_is_asked_for_only_where_the_region_offers_it(
    synthesized: Synthesized, name: str, region: str, offered: bool
) -> None:
    """The stack is region-agnostic; a SnapStart asked for in Asia Pacific (New Zealand) or
    (Taipei) would fail the whole deploy. There the function deploys without it, on the
    same `live` alias, and each cold start runs its init."""
    expected = {"ApplyOn": "PublishedVersions"} if offered else None
    assert snap_start(synthesized, name, region) == expected
    assert_live_alias_on_newest_version(synthesized, name)


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The default stack with a setting of each function changed: the API's CORS origins,
    the authorizer's JWT issuer."""
    return synthesize(
        tmp_path_factory.mktemp("cdk.out.changed"),
        {"allowedOrigins": "https://other.example.com", "jwtIssuer": "https://issuer.example.com"},
    )


@pytest.mark.parametrize("name", CLICK)
def test_a_changed_function_is_published_again_and_its_alias_moves_to_it(
    synthesized: Synthesized, changed: Synthesized, name: str
) -> None:
    """A new version is a new snapshot: an alias on a version made once would serve the
    first deploy's code (and its snapshot) for ever."""
    before = refs(alias_of(synthesized, name)[1]["FunctionVersion"])
    after = refs(alias_of(changed, name)[1]["FunctionVersion"])
    assert before.isdisjoint(after)
    assert_live_alias_on_newest_version(changed, name)


@pytest.mark.parametrize("name", ["worker", "trigger", "reaper"])
def test_functions_no_admin_waits_on_start_as_usual(synthesized: Synthesized, name: str) -> None:
    assert snap_start(synthesized, name) is None


@pytest.mark.parametrize("name", CLICK)
def test_provisioned_concurrency_keeps_the_asked_environments_instead_of_a_snapshot(
    provisioned: Synthesized, name: str
) -> None:
    assert snap_start(provisioned, name) is None
    alias = assert_live_alias_on_newest_version(provisioned, name)
    assert alias["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 2}


@pytest.mark.parametrize("stack", ["synthesized", "provisioned"])
def test_api_gateway_calls_the_aliases_and_may_invoke_only_them(
    stack: str, request: pytest.FixtureRequest
) -> None:
    synth: Synthesized = request.getfixturevalue(stack)
    aliases = {alias_of(synth, name)[0] for name in CLICK}
    assert called_by_api_gateway(synth) == aliases
    assert invoke_grants(synth) == aliases
    aliased = {
        alias["Properties"]["FunctionName"]["Ref"]
        for alias in synth.of_type("AWS::Lambda::Alias").values()
    }
    assert aliased == {function_id(synth, name) for name in CLICK}


@pytest.mark.parametrize("stack", ["provisioned", "plain"])
def test_each_way_has_no_unacknowledged_cdk_nag_finding(
    stack: str, request: pytest.FixtureRequest
) -> None:
    synth: Synthesized = request.getfixturevalue(stack)
    assert synth.validation_error is None


def test_without_either_api_gateway_calls_the_functions_and_nothing_is_published(
    plain: Synthesized,
) -> None:
    assert plain.of_type("AWS::Lambda::Alias") == {}
    assert plain.of_type("AWS::Lambda::Version") == {}
    assert all(snap_start(plain, name) is None for name in CLICK)
    functions = {function_id(plain, name) for name in CLICK}
    assert called_by_api_gateway(plain) == functions
    assert invoke_grants(plain) == functions


def test_a_function_with_snap_start_refuses_provisioned_concurrency_too() -> None:
    function = PipelineFunction(
        Stack(App(), "Alone"),
        "Api",
        handler="api.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        description="SnapStart",
        timeout=Duration.seconds(3),
        memory_mb=512,
        layers=[],
        environment={},
        snap_start=True,
    )
    with pytest.raises(ValueError, match="not both"):
        function.entry_point(1)
