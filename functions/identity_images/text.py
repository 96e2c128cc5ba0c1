"""What counts as text in what a client sends: the rules the API's bodies and the lists'
cursors share (both refuse what breaks them at the edge, as 422).

Free text a caller sends that reaches Gemini or is shown to other admins (a prompt, a
refine instruction, a photo's file name) must read as what it is. `refused_character`
finds the first character that could hide text or disguise it:

- a control character (NUL, ESC and its ANSI escapes, DEL, the C1 controls), but line
  breaks and tabs where the text may have lines (a prompt, an instruction; never a file
  name, where U+2028 and U+2029 are line breaks too);
- a character Unicode calls default-ignorable (`Default_Ignorable_Code_Point`: a renderer
  shows nothing for it): zero-width spaces and joiners, the bidi overrides and isolates
  (U+202A-U+202E, U+2066-U+2069) and direction marks, which make text read in another
  order, the soft hyphen, the word joiner and invisible operators, the byte order mark,
  the Hangul fillers, variation selectors, and the tag characters (U+E0000-U+E007F,
  which models read as ASCII that nobody sees: "ASCII smuggling"); and the interlinear
  annotation marks (U+FFF9-U+FFFB), which hide the annotation they enclose.

Kept, where real text needs them (and nowhere else, so none can run on invisibly):

- a zero-width joiner or non-joiner after a letter, mark or symbol outside ASCII: an
  emoji ZWJ sequence (👩‍🔬, ❤️‍🔥), Persian and Arabic words (می‌خواهم), Indic conjuncts;
  never first, after a space, after ASCII or after another invisible character;
- one variation selector after its base: U+FE0E/U+FE0F (text or emoji presentation) and
  U+FE00-U+FE0D after a character outside ASCII (U+FE0E/U+FE0F also after the keycap
  bases `#`, `*`, `0`-`9`: 1️⃣), U+E0100-U+E01EF after a CJK ideograph (the ideographic
  variation sequences of names), U+180B-U+180F after a Mongolian letter; never two in a
  row (a run of them carries bytes after one emoji);
- tag characters only inside the subdivision flags Unicode recommends for display:
  🏴󠁧󠁢󠁥󠁮󠁧󠁿, 🏴󠁧󠁢󠁳󠁣󠁴󠁿, 🏴󠁧󠁢󠁷󠁬󠁳󠁿 (the black flag, the tags `gbeng`, `gbsct`, `gbwls`, the cancel tag).

Accents, every script, emoji and flags of two regional indicators are ordinary
characters. Nothing is stripped: a text is taken as sent or refused, naming the character
and where it is, so what Gemini gets is what the client sent.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def has_lone_surrogate(text: str) -> bool:
    """A UTF-16 surrogate on its own (`"\\ud800"`): JSON may escape one, but it is no valid
    text (it cannot be encoded as UTF-8), and DynamoDB and Gemini refuse it."""
    return any("\ud800" <= char <= "\udfff" for char in text)


#: Unicode's `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt; the ranges have
#: not changed since Unicode 6.0), and the interlinear annotation marks.
INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; direction marks
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates, deprecated
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # byte order mark (zero-width no-break space)
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFFB),  # unassigned, then the interlinear annotation marks
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical format controls
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement, unassigned
)

#: Line breaks and the tab: a prompt may hold them, a file name may not.
LINE_CONTROLS = frozenset("\n\r\t")
LINE_SEPARATORS = frozenset("\u2028\u2029")

ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
KEYCAP_BASES = frozenset("#*0123456789")
#: The subdivision flags Unicode recommends for display (England, Scotland, Wales):
#: U+1F3F4 WAVING BLACK FLAG, the subdivision as tag letters, U+E007F CANCEL TAG.
SUBDIVISION_FLAGS = tuple(
    "\U0001f3f4" + "".join(chr(0xE0000 + ord(letter)) for letter in code) + "\U000e007f"
    for code in ("gbeng", "gbsct", "gbwls")
)


def is_invisible(char: str) -> bool:
    """A default-ignorable character (or an interlinear annotation mark)."""
    code = ord(char)
    return any(low <= code <= high for low, high in INVISIBLE_RANGES)


@dataclass(frozen=True)
class RefusedCharacter:
    """The first character of a text that could hide or disguise it."""

    character: str
    position: int  # its index, in characters (code points), from 0
    kind: str  # "a control character", "an invisible character", ...

    @property
    def code(self) -> str:
        return f"U+{ord(self.character):04X}"

    def described(self, what: str, *, where: str = "") -> str:
        """`what` ("The prompt") holds it, which and where, to remove it (`where`: "in the
        host app", for words the caller did not send)."""
        name = unicodedata.name(self.character, "")
        named = f"{self.code} {name}" if name else self.code
        remove = f"remove it {where}" if where else "remove it"
        return (
            f"{what} holds {self.kind} at character {self.position + 1} ({named}), which "
            f"could hide or disguise what it says; {remove}."
        )


def refused_character(text: str, *, lines: bool) -> RefusedCharacter | None:
    """The first character of `text` that could hide or disguise it (see the module's
    rule), else None; `lines`: line breaks and tabs are the text's own."""
    position = 0
    while position < len(text):
        flag = _subdivision_flag_at(text, position)
        if flag:
            position += len(flag)
            continue
        char = text[position]
        kind = _kind_of(char, lines=lines)
        if kind is not None and not _needed_here(text, position):
            return RefusedCharacter(char, position, kind)
        position += 1
    return None


def _subdivision_flag_at(text: str, position: int) -> str | None:
    if text[position] != "\U0001f3f4":
        return None
    return next((flag for flag in SUBDIVISION_FLAGS if text.startswith(flag, position)), None)


def _kind_of(char: str, *, lines: bool) -> str | None:
    """What `char` is, when it is one the rule looks at; None for ordinary text."""
    if char in LINE_CONTROLS or char in LINE_SEPARATORS:
        if lines:
            return None
        return "a tab" if char == "\t" else "a line break"
    if unicodedata.category(char) == "Cc":
        return "a control character"
    if char in BIDI_CONTROLS:
        return "a bidi control"
    if is_invisible(char):
        return "an invisible character"
    return None


def _needed_here(text: str, position: int) -> bool:
    """Whether the invisible character at `position` is one real text needs there."""
    char, before = text[position], text[position - 1] if position else ""
    if not before or (is_invisible(before) and before != "\ufe0f"):
        return False  # first, or after another invisible character (FE0F ends an emoji)
    code = ord(char)
    if char in ZERO_WIDTH_JOINERS:
        return before == "\ufe0f" or _outside_ascii_word(before)
    if char in ("\ufe0e", "\ufe0f"):
        return before in KEYCAP_BASES or _outside_ascii_word(before)
    if 0xFE00 <= code <= 0xFE0D:
        return _outside_ascii_word(before)
    if 0xE0100 <= code <= 0xE01EF:
        return unicodedata.name(before, "").startswith("CJK ")
    if 0x180B <= code <= 0x180F:
        return unicodedata.name(before, "").startswith("MONGOLIAN ")
    return False


def _outside_ascii_word(char: str) -> bool:
    """A letter, mark or symbol outside ASCII (or a code point this Python's Unicode does
    not know yet among the emoji's, U+1F000 up: a newer emoji)."""
    if char.isascii() or is_invisible(char):
        return False
    category = unicodedata.category(char)
    return (
        category[0] in "LM"
        or category in ("So", "Sk")
        or (category == "Cn" and 0x1F000 <= ord(char) <= 0x1FFFF)
    )
