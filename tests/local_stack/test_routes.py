"""The route table: API Gateway's resource matching."""

from __future__ import annotations

from local_stack.routes import cdk_routes
from tests.support.routes import route_table

TABLE = route_table(
    [
        ("POST", "/v1/generations"),
        ("GET", "/v1/generations"),
        ("GET", "/v1/generations/{generation_id}"),
        ("POST", "/v1/generations/{generation_id}/apply"),
        ("GET", "/v1/users/me"),
        ("GET", "/v1/users/{user_id}/identities"),
        ("GET", "/files/{proxy+}"),
    ]
)


def test_path_parameters_are_resolved_and_decoded() -> None:
    found = TABLE.find("/v1/generations/abc%20d/apply")
    assert found is not None
    resource, params = found
    assert resource.path == "/v1/generations/{generation_id}/apply"
    assert params == {"generation_id": "abc d"}
    assert resource.methods == {"POST"}


def test_literal_segments_win_over_parameters() -> None:
    found = TABLE.find("/v1/users/me")
    assert found is not None
    assert found[0].path == "/v1/users/me"
    assert found[1] == {}


def test_methods_of_one_resource_are_merged() -> None:
    found = TABLE.find("/v1/generations")
    assert found is not None
    assert found[0].methods == {"GET", "POST"}


def test_greedy_parameter_takes_the_rest_of_the_path() -> None:
    found = TABLE.find("/files/a/b/c.png")
    assert found is not None
    assert found[1] == {"proxy": "a/b/c.png"}
    assert TABLE.find("/files") is None


def test_unknown_paths_match_nothing() -> None:
    assert TABLE.find("/v1/generations/abc/apply/more") is None
    assert TABLE.find("/v2/generations") is None
    assert TABLE.find("/") is None


def test_the_stacks_table_sends_every_v1_path_to_the_api() -> None:
    found = cdk_routes().find("/v1/generations/g1/apply")
    assert found is not None
    assert found[0].allows("DELETE")
    assert found[1] == {"proxy": "generations/g1/apply"}
    assert cdk_routes().find("/v2/generations") is None
