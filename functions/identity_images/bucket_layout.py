"""Where the pipeline's objects live in the bucket: the one place that builds keys.

```
{root}uploads/{admin_id}/{upload_id}/{n}.{ext}           browser uploads (expire)
{root}references/identities/{identity_id}/{ref}.{ext}    kept references (regenerate)
{root}generated/identities/{identity_id}/{job_id}.{ext}  outputs
{root}generated/identities/{identity_id}/{job_id}.small.{ext}    their small renditions,
{root}generated/identities/{identity_id}/{job_id}.preview.{ext}  previews
{root}generated/identities/{identity_id}/{job_id}.large.{ext}    and large renditions
{root}prepared/identities/{identity_id}/{job_id}/{n}.jpg  each job's prepared references
                                                          (expire after the job record)
```

`root` is empty in the pipeline's own bucket and a prefix such as `identity-images/` in a
host's bucket (`BUCKET_PREFIX`), so the host's other objects are never touched. The
functions, the CDK app (grants, notifications, lifecycle) and the local stack all read
the layout from here. Pure Python: no AWS, no Lambda, importable from anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from identity_images.domain import is_host_id
from identity_images.media_types import extension_for as extension_for

UPLOADS = "uploads/"
REFERENCES = "references/identities/"
GENERATED = "generated/"
PREPARED = "prepared/"
#: The root prefix in a host's bucket when none is given.
DEFAULT_HOST_ROOT = "identity-images/"
S3_KEY_MAX_BYTES = 1024  # S3's limit on a key, in UTF-8 bytes

# Python's `$` also matches before a final "\n" (`re.match` takes `"abc\n"`), so every
# check below is a `fullmatch` (an id's too: `domain.is_host_id`). `REFERENCE_ID_PATTERN`
# keeps `^…$` because it also reaches pydantic (the routes' `reference_id`), whose
# patterns run on Rust's regex, where `$` is the end of the text and `\Z` does not exist.
#: The one rule for a reference's file name (and so for the `reference_id` the routes
#: take): ASCII letters, digits, `_`, `-` and `.`, not starting with a dot. A name with a
#: space, `+`, `%` or an emoji could be listed but not deleted, so it is no reference:
#: the trigger, the worker, the listing and the delete all ignore it.
REFERENCE_ID_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$"
_NAME = re.compile(REFERENCE_ID_PATTERN)
_PREPARED_NAME = re.compile(r"^[0-9]{1,3}\.jpg$")
_ROOT_PART = re.compile(r"^[A-Za-z0-9._-]+$")


def normalize_root(root: str) -> str:
    """`""` or `a/b/`: no leading slash, one trailing slash, plain path segments only."""
    stripped = root.strip().strip("/")
    if not stripped:
        return ""
    parts = stripped.split("/")
    for part in parts:
        if not _ROOT_PART.fullmatch(part) or part in {".", ".."}:
            raise ValueError(
                f"{root!r} is not a bucket prefix like 'identity-images/' "
                "(letters, digits, '.', '_', '-' and '/' between segments)"
            )
    return "/".join(parts) + "/"


@dataclass(frozen=True)
class BucketLayout:
    """The key layout under one root prefix (`""`: the bucket's top level)."""

    root: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", normalize_root(self.root))

    # --- the three prefixes -------------------------------------------------------------
    @property
    def uploads(self) -> str:
        return f"{self.root}{UPLOADS}"

    @property
    def references(self) -> str:
        return f"{self.root}{REFERENCES}"

    @property
    def generated(self) -> str:
        return f"{self.root}{GENERATED}"

    @property
    def prepared(self) -> str:
        return f"{self.root}{PREPARED}"

    @property
    def prefixes(self) -> tuple[str, ...]:
        """Every prefix the pipeline writes under; nothing outside them is its own."""
        return (self.uploads, self.references, self.generated, self.prepared)

    # --- keys ---------------------------------------------------------------------------
    def upload_prefix(self, admin_id: str) -> str:
        return f"{self.uploads}{admin_id}/"

    def upload_key(self, admin_id: str, upload_id: str, index: int, content_type: str) -> str:
        return f"{self.upload_prefix(admin_id)}{upload_id}/{index}.{extension_for(content_type)}"

    def reference_folder(self, identity_id: str) -> str:
        return f"{self.references}{identity_id}/"

    def reference_key(self, identity_id: str, reference_id: str, content_type: str) -> str:
        folder = self.reference_folder(identity_id)
        return f"{folder}{reference_id}.{extension_for(content_type)}"

    def output_key(self, identity_id: str, job_id: str, content_type: str) -> str:
        return f"{self.generated}identities/{identity_id}/{job_id}.{extension_for(content_type)}"

    def preview_key(self, identity_id: str, job_id: str, content_type: str) -> str:
        """The output's small rendition, beside it."""
        extension = extension_for(content_type)
        return f"{self.generated}identities/{identity_id}/{job_id}.preview.{extension}"

    def small_key(self, identity_id: str, job_id: str, content_type: str) -> str:
        """The output's small rendition (for thumbnails), beside it."""
        extension = extension_for(content_type)
        return f"{self.generated}identities/{identity_id}/{job_id}.small.{extension}"

    def large_key(self, identity_id: str, job_id: str, content_type: str) -> str:
        """The output's large rendition (for a screen), beside it."""
        extension = extension_for(content_type)
        return f"{self.generated}identities/{identity_id}/{job_id}.large.{extension}"

    def prepared_reference_key(self, identity_id: str, job_id: str, index: int) -> str:
        return f"{self.prepared}identities/{identity_id}/{job_id}/{index}.jpg"

    # --- reading keys -------------------------------------------------------------------
    def identity_of(self, key: str) -> str | None:
        """The identity whose reference folder holds `key` directly, or None for any other
        key (outputs, uploads, the folder itself, deeper keys, other roots)."""
        if not key.startswith(self.references):
            return None
        identity_id, slash, name = key[len(self.references) :].partition("/")
        # Directly in the folder (not `…/{id}/sub/x.jpg`), named by the one rule.
        if not slash or not is_host_id(identity_id) or not _NAME.fullmatch(name):
            return None
        return identity_id

    def output_of(self, key: str) -> tuple[str, str] | None:
        """`(identity_id, job_id)` of an output's key (`generated/identities/{identity_id}/
        {job_id}.{ext}`, not its preview), or None for any other key."""
        prefix = f"{self.generated}identities/"
        if not key.startswith(prefix):
            return None
        identity_id, slash, name = key[len(prefix) :].partition("/")
        job_id, dot, extension = name.partition(".")
        if not slash or not dot or "." in extension or "/" in name:
            return None
        # A job id (32 hex digits) is one path segment of the same alphabet as the host's.
        if not is_host_id(identity_id) or not is_host_id(job_id):
            return None
        return identity_id, job_id

    def prepared_of(self, key: str) -> tuple[str, str] | None:
        """`(identity_id, job_id)` of the generation that kept `key` as a prepared reference
        (exactly `prepared/identities/{identity_id}/{job_id}/{n}.jpg`), or None for any
        other key."""
        prefix = f"{self.prepared}identities/"
        if not key.startswith(prefix):
            return None
        parts = key[len(prefix) :].split("/")
        if len(parts) != 3:
            return None
        identity_id, job_id, name = parts
        if (
            not is_host_id(identity_id)
            or not is_host_id(job_id)
            or not _PREPARED_NAME.fullmatch(name)
        ):
            return None
        return identity_id, job_id
