"""The one rule for a host's id (`domain.is_host_id`), and every check of one using it:
the bucket layout's reading of keys, the authorizer's caller, the host adapter's paths,
and pydantic's reading of the same pattern for the API's fields."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from pydantic import Field, TypeAdapter, ValidationError

from identity_images.adapters.django_host import DjangoHost
from identity_images.bucket_layout import BucketLayout
from identity_images.domain import HOST_ID_PATTERN, Caller, is_host_id
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.auth import AdminAuthenticator, UnauthenticatedError

IDS = [
    ("42", True),
    ("3f2a9c1e-7b4d-4e21-9a55-0c6d2b8e1f00", True),
    ("ada_lovelace-1", True),
    ("x" * 128, True),
    ("x" * 129, False),
    ("", False),
    ("42\n", False),  # Python's `$` would take it; a fullmatch does not
    ("a/b", False),
    ("../1", False),
    ("a.b", False),
    ("%2F", False),
    ("auth0|42", False),
]


@pytest.mark.parametrize(("value", "expected"), IDS)
def test_an_id_is_the_whole_text_in_the_hosts_alphabet(value: str, expected: bool) -> None:
    assert is_host_id(value) is expected


@pytest.mark.parametrize(("value", "expected"), IDS)
def test_pydantic_reads_the_pattern_as_is_host_id_does(value: str, expected: bool) -> None:
    """The pattern pydantic gets (Rust's regex: `$` is the end of the text)."""
    field = TypeAdapter(Annotated[str, Field(pattern=HOST_ID_PATTERN)])
    try:
        field.validate_python(value)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted is expected


@pytest.mark.parametrize(("value", "expected"), IDS)
def test_a_reference_folder_is_an_identitys_only_when_its_id_is_one(
    value: str, expected: bool
) -> None:
    layout = BucketLayout()
    found = layout.identity_of(f"{layout.references}{value}/photo.jpg")
    assert found == (value if expected else None)


class Source:
    """An identity source that names the caller `user_id`, an admin."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def identify(self, authorization_header: str) -> Caller:
        return Caller(user_id=self.user_id, is_staff=True)


#: `Caller` itself refuses an empty id.
NON_EMPTY = [(value, expected) for value, expected in IDS if value]


@pytest.mark.parametrize(("value", "expected"), NON_EMPTY)
def test_a_caller_is_let_through_only_with_an_id_of_the_hosts(value: str, expected: bool) -> None:
    authenticator = AdminAuthenticator(Source(value))
    if expected:
        assert authenticator.authenticate("Bearer t").user_id == value
    else:
        with pytest.raises(UnauthenticatedError):
            authenticator.authenticate("Bearer t")


@pytest.mark.parametrize(("value", "expected"), IDS)
def test_the_host_is_asked_only_for_an_id_of_its_own(value: str, expected: bool) -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(404)

    host = DjangoHost("http://host/internal/", lambda: "t", transport=httpx.MockTransport(answer))
    with pytest.raises(PipelineError) as raised:
        host.get_identity(value)
    if expected:
        assert raised.value.code != ErrorCode.VALIDATION_ERROR
        assert asked == [f"/internal/identities/{value}/"]
    else:
        assert raised.value.code == ErrorCode.VALIDATION_ERROR
        assert asked == []
