"""What every generation must satisfy, in one place: the API checks it before it writes a
job (so it never accepts a job the worker must fail) and the engine before it calls
Gemini (the CLI and a job whose identity changed since it was queued reach it too).

Plain rules over plain values, so the API Lambda can apply them without the engine.
"""

from __future__ import annotations

from collections.abc import Mapping

from identity_images.errors import ErrorCode, PipelineError
from identity_images.prices import image_sizes_of
from identity_images.text import refused_character

#: The image model takes at most this many images in one request: the references, and
#: for a refine the image to edit besides them. So a generation may send this many
#: references, a refine one fewer.
MAX_IMAGES_PER_REQUEST = 14


def images_sent(references: int, *, edit_image: bool) -> int:
    """How many images one request sends Gemini: the references, plus a refine's image."""
    return references + (1 if edit_image else 0)


def check_image_count(references: int, *, edit_image: bool, field: str | None = None) -> None:
    """`too_many_images` when the request would send more than the model takes: a refine
    of a job with `MAX_IMAGES_PER_REQUEST` references sends one image too many. Its
    details carry the counts, and `field` only when the caller's request has a field that
    holds the references (the engine's `references`; a refine's or re-run's body has none)."""
    sent = images_sent(references, edit_image=edit_image)
    if sent > MAX_IMAGES_PER_REQUEST:
        with_edit = " and the image to edit" if edit_image else ""
        details: dict[str, object] = {} if field is None else {"field": field}
        raise PipelineError(
            ErrorCode.TOO_MANY_IMAGES,
            f"This would send Gemini {sent} images ({references} references{with_edit}); "
            f"it takes at most {MAX_IMAGES_PER_REQUEST}.",
            details={
                **details,
                "max": MAX_IMAGES_PER_REQUEST,
                "references": references,
                "edit_image": edit_image,
            },
        )


def check_image_size(model: str, image_size: str, *, field: str | None = None) -> None:
    """`image_size_unsupported` when the model makes no image of this size (Gemini 2.5
    Flash Image makes 1K only). Its details carry the model and the sizes it makes, and
    `field` only when the caller's request has a field that holds the size (a refine's or
    re-run's body has none: the size is the parent's). A model whose sizes we do not know
    is let through: it refuses a size itself."""
    sizes = image_sizes_of(model)
    if image_size in sizes:
        return
    details: dict[str, object] = {} if field is None else {"field": field}
    raise PipelineError(
        ErrorCode.IMAGE_SIZE_UNSUPPORTED,
        f"{model} makes no {image_size} image; it makes {', '.join(sizes)}.",
        details={**details, "image_size": image_size, "model": model, "allowed": list(sizes)},
    )


def has_name(name: str) -> bool:
    """A name the prompt can use: not empty, not only white space."""
    return bool(name.strip())


def check_identity_words(
    name: str, description: str, *, identity_id: str | None = None, fields: bool = False
) -> None:
    """The host's words the prompt is built around, as it can use them: `identity_unnamed`
    for a blank name (there is no image to make until the host names it), and
    `character_not_allowed` for a name or description holding a character that could hide
    or disguise what it says (`identity_images.text`, the rule a prompt is held to: they
    reach Gemini as they are, and a user who may edit their identity in the host app
    could hide an instruction to the model in them). Both are the host's to mend. The
    details carry `field` only when the caller's request holds the words (`fields`: the
    engine's `identity_name` and `identity_description`; an API body has none)."""
    which = f"Identity {identity_id!r}" if identity_id is not None else "The identity"
    details: dict[str, str | int] = {} if identity_id is None else {"identity_id": identity_id}
    if not has_name(name):
        raise PipelineError(
            ErrorCode.IDENTITY_UNNAMED,
            f"{which} has no name; name it in the host app first.",
            details={"field": "identity_name", **details} if fields else details,
        )
    for part, words, lines in (("name", name, False), ("description", description, True)):
        check_words(
            words,
            lines=lines,
            what=f"{which}'s {part}",
            where="in the host app",
            details={**({"field": f"identity_{part}"} if fields else {}), **details},
        )


def check_words(
    words: str, *, lines: bool, what: str, where: str, details: Mapping[str, str | int]
) -> None:
    """`character_not_allowed` for words holding a character that could hide or disguise
    what they say (`identity_images.text`): the message names them (`what`: "Identity 'x''s
    name") and where they can be mended (`where`); the details, the caller's and the first
    such character with its position."""
    refused = refused_character(words, lines=lines)
    if refused is not None:
        raise PipelineError(
            ErrorCode.CHARACTER_NOT_ALLOWED,
            refused.described(what, where=where),
            details={**details, "character": refused.code, "position": refused.position},
        )
