"""The one place the text sent to the image model is built.

The identity (its name and description) says who the image is of; the reference photos
show what that person looks like; the admin's extra prompt adds direction. Empty parts
are left out rather than sent as blank headings.
"""

from __future__ import annotations

import re

_INSTRUCTIONS = (
    "Create one high-quality identity image of the person shown in the attached reference "
    "photos. Keep their face, features and skin tone faithful to the references; do not "
    "invent a different person. Use a clean, well-lit composition suitable for a profile "
    "or identity picture. Do not add text, logos or watermarks to the image."
)

_EDIT_INSTRUCTIONS = (
    "Edit the FIRST attached image, an identity image made earlier, as the admin asks below. "
    "Change only what they ask; keep the person, their face, features and skin tone, and "
    "everything else about the image as it is. The other attached images are reference "
    "photos of the same person. Do not add text, logos or watermarks to the image."
)

_BLANK_RUN = re.compile(r"\n{3,}")


def _clean(text: str) -> str:
    """Trim, normalise line endings and collapse runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return _BLANK_RUN.sub("\n\n", text)


def build_prompt(
    *,
    identity_name: str,
    identity_description: str,
    extra_prompt: str,
    instruction: str = "",
) -> str:
    """The full prompt for one generation; with `instruction`, for an edit of the first
    attached image (a refine)."""
    name = " ".join(identity_name.split())
    edit = _clean(instruction)
    sections = [_EDIT_INSTRUCTIONS if edit else _INSTRUCTIONS]
    if name:
        sections.append(f"Identity: {name}")
    description = _clean(identity_description)
    if description:
        sections.append(f"About this identity:\n{description}")
    extra = _clean(extra_prompt)
    if extra:
        sections.append(f"Additional direction from the admin:\n{extra}")
    if edit:
        sections.append(f"The edit the admin asks for:\n{edit}")
    return "\n\n".join(sections)
