"""The route table: API Gateway's resource matching, derived from the API's own routes."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from local_stack.routes import RouteTable, routes_from_openapi, routes_from_resolver

TABLE = RouteTable.from_pairs(
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


def test_table_from_a_powertools_resolver() -> None:
    app = APIGatewayRestResolver()

    @app.get("/v1/generations/<generation_id>")
    def get_generation(generation_id: str) -> dict[str, str]:
        return {"id": generation_id}

    @app.route("/v1/uploads", method=["POST", "PUT"])
    def uploads() -> dict[str, str]:
        return {}

    table = routes_from_resolver(app)
    found = table.find("/v1/generations/g1")
    assert found is not None
    assert found[0].path == "/v1/generations/{generation_id}"
    assert found[1] == {"generation_id": "g1"}
    uploads_found = table.find("/v1/uploads")
    assert uploads_found is not None
    assert uploads_found[0].methods == {"POST", "PUT"}


def test_table_from_an_openapi_schema() -> None:
    schema = {
        "paths": {
            "/v1/users/{user_id}/identities": {"get": {}, "parameters": []},
            "/v1/uploads": {"post": {}},
        }
    }
    table = routes_from_openapi(schema)
    assert len(table) == 2
    found = table.find("/v1/users/7/identities")
    assert found is not None
    assert found[0].methods == {"GET"}
