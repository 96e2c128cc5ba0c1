"""`-c apiProvisionedConcurrency=N`: the API and the authorizer kept initialized.

An admin's first click after a quiet spell meets a cold authorizer, then a cold API
function. With N above 0 API Gateway calls a `live` alias of each, which keeps N
environments initialized; with 0 (the default) it calls the functions themselves and
nothing is published or provisioned."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.conftest import Synthesized, synthesize
from tests.infra.test_stack import function_id, one, refs


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(
        tmp_path_factory.mktemp("cdk.out.warm"),
        {"allowedOrigins": "https://admin.example.com", "apiProvisionedConcurrency": "2"},
    )


def alias_of(synth: Synthesized, name: str) -> tuple[str, dict[str, Any]]:
    """The one alias of handler `name`'s function, and its properties."""
    function = function_id(synth, name)
    (found,) = [
        (key, alias["Properties"])
        for key, alias in synth.of_type("AWS::Lambda::Alias").items()
        if alias["Properties"]["FunctionName"] == {"Ref": function}
    ]
    return found


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


@pytest.mark.parametrize("name", ["api", "authorizer"])
def test_each_click_function_keeps_the_asked_environments_on_its_newest_version(
    warm: Synthesized, name: str
) -> None:
    _, alias = alias_of(warm, name)
    assert alias["Name"] == "live"
    assert alias["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 2}
    (version,) = refs(alias["FunctionVersion"])
    published = warm.resources[version]
    assert published["Type"] == "AWS::Lambda::Version"
    assert published["Properties"]["FunctionName"] == {"Ref": function_id(warm, name)}
    # A version the alias moved off is removed, so deploys do not pile versions up.
    assert published["DeletionPolicy"] == "Delete"


def test_api_gateway_calls_the_aliases_and_may_invoke_only_them(warm: Synthesized) -> None:
    api_alias, _ = alias_of(warm, "api")
    authorizer_alias, _ = alias_of(warm, "authorizer")
    assert api_alias in refs(api_method(warm)["Integration"]["Uri"])
    authorizer = warm.props(one(warm, "AWS::ApiGateway::Authorizer", "Api"))
    assert authorizer_alias in refs(authorizer["AuthorizerUri"])
    assert invoke_grants(warm) == {api_alias, authorizer_alias}


def test_only_the_click_functions_are_provisioned(warm: Synthesized) -> None:
    aliases = warm.of_type("AWS::Lambda::Alias").values()
    aliased = {alias["Properties"]["FunctionName"]["Ref"] for alias in aliases}
    assert aliased == {function_id(warm, "api"), function_id(warm, "authorizer")}


def test_warm_stack_has_no_unacknowledged_cdk_nag_finding(warm: Synthesized) -> None:
    assert warm.validation_error is None


def test_by_default_api_gateway_calls_the_functions_and_nothing_is_provisioned(
    synthesized: Synthesized,
) -> None:
    assert synthesized.of_type("AWS::Lambda::Alias") == {}
    assert synthesized.of_type("AWS::Lambda::Version") == {}
    assert function_id(synthesized, "api") in refs(api_method(synthesized)["Integration"]["Uri"])
    assert invoke_grants(synthesized) == {
        function_id(synthesized, "api"),
        function_id(synthesized, "authorizer"),
    }
