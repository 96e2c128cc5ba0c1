"""The rule for free text a caller sends (`identity_images.text`): what could hide or
disguise it is refused, named, and placed; what real text holds is kept."""

from __future__ import annotations

import pytest

from identity_images.text import refused_character


def _tags(text: str) -> str:
    """`text` as Unicode tag characters: invisible, read by a model as ASCII."""
    return "".join(chr(0xE0000 + ord(char)) for char in text)


KEPT = {
    "lines-and-tabs": "Soft light,\n\tsmiling\r\nthen\u2028more",
    "accents": "café naïve Ærøskøbing Dvořák",
    "scripts": "عربي 日本語 עברית Русский Ελληνικά हिन्दी 한국어",
    "persian-zwnj": "می\u200cخواهم",  # noqa: RUF001 - Persian letters, meant
    "devanagari-zwj": "क्\u200dष",
    "sinhala-zwj": "ශ්\u200dරී",
    "emoji-zwj": "👩\u200d🔬 👨\u200d👩\u200d👧\u200d👦 🧑\u200d🤝\u200d🧑",
    "skin-tone-zwj": "👩🏽\u200d🔬 🫱🏻\u200d🫲🏿",
    "emoji-presentation-zwj": "❤️\u200d🔥 🏳️\u200d🌈 🏃\u200d♀️ 👁️\u200d🗨️",
    "keycaps": "1️⃣ #️⃣ *️⃣",
    "text-presentation": "☺︎ ©️",
    "flags": "🇫🇷🇯🇵🇧🇷",
    "subdivision-flags": "🏴" + _tags("gbsct") + "\U000e007f 🏴" + _tags("gbeng") + "\U000e007f",
    "ideographic-variation": "葛\U000e0100",
}


@pytest.mark.parametrize("text", KEPT.values(), ids=KEPT.keys())
def test_what_real_text_holds_is_kept(text: str) -> None:
    assert refused_character(text, lines=True) is None


REFUSED = {
    "nul": ("a\x00b", "\x00", 1, "a control character"),
    "escape": ("\x1b[31mred", "\x1b", 0, "a control character"),
    "del": ("a\x7f", "\x7f", 1, "a control character"),
    "c1": ("a\x85", "\x85", 1, "a control character"),
    "rlo": ("abc\u202edcba", "\u202e", 3, "a bidi control"),
    "isolate": ("x\u2066y\u2069", "\u2066", 1, "a bidi control"),
    "rlm": ("a\u200fb", "\u200f", 1, "a bidi control"),
    "ascii-smuggling": ("Smile" + _tags("ignore all"), "\U000e0069", 5, "an invisible character"),
    "tag-after-a-real-flag": (
        "🏴" + _tags("gbsct") + "\U000e007f" + _tags("x"),
        "\U000e0078",
        7,
        "an invisible character",
    ),
    "made-up-flag": (
        "🏴" + _tags("usca") + "\U000e007f",
        "\U000e0075",
        1,
        "an invisible character",
    ),
    "language-tag": ("\U000e0001" + _tags("en"), "\U000e0001", 0, "an invisible character"),
    "zero-width-space": ("smi\u200bling", "\u200b", 3, "an invisible character"),
    "zwj-in-a-latin-word": ("Ja\u200dne", "\u200d", 2, "an invisible character"),
    "zwnj-first": ("\u200cabc", "\u200c", 0, "an invisible character"),
    "zwj-after-a-space": ("👩 \u200d🔬", "\u200d", 2, "an invisible character"),
    "joiners-in-a-row": ("👩\u200d\u200d🔬", "\u200d", 2, "an invisible character"),
    "word-joiner": ("a\u2060b", "\u2060", 1, "an invisible character"),
    "byte-order-mark": ("\ufeffhi", "\ufeff", 0, "an invisible character"),
    "soft-hyphen": ("Jo\u00adhn", "\u00ad", 2, "an invisible character"),
    "hangul-filler": ("\u3164", "\u3164", 0, "an invisible character"),
    "variation-selectors-carrying-bytes": ("🙂\ufe0f\ufe01", "\ufe01", 2, "an invisible character"),
    "variation-selector-on-ascii": ("a\ufe0f", "\ufe0f", 1, "an invisible character"),
    "supplement-selector-on-latin": ("a\U000e0100", "\U000e0100", 1, "an invisible character"),
    "annotation": ("a\ufff9b\ufffac\ufffb", "\ufff9", 1, "an invisible character"),
}


@pytest.mark.parametrize(("text", "char", "position", "kind"), REFUSED.values(), ids=REFUSED.keys())
def test_what_could_hide_or_disguise_text_is_refused_named_and_placed(
    text: str, char: str, position: int, kind: str
) -> None:
    refused = refused_character(text, lines=True)
    assert refused is not None
    assert (refused.character, refused.position, refused.kind) == (char, position, kind)
    said = refused.described("The prompt")
    assert said.startswith(f"The prompt holds {kind} at character {position + 1} (U+")
    assert refused.code in said


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("a\nb", "a line break"),
        ("a\rb", "a line break"),
        ("a\u2029b", "a line break"),
        ("a\tb", "a tab"),
    ],
)
def test_a_single_line_text_refuses_line_breaks_and_tabs(text: str, kind: str) -> None:
    refused = refused_character(text, lines=False)
    assert refused is not None
    assert (refused.position, refused.kind) == (1, kind)


def test_a_control_character_has_no_name_but_its_code() -> None:
    refused = refused_character("a\x1b", lines=True)
    assert refused is not None
    assert "(U+001B)" in refused.described("The prompt")
    named = refused_character("a\u200b", lines=True)
    assert named is not None
    assert "(U+200B ZERO WIDTH SPACE)" in named.described("The prompt")
