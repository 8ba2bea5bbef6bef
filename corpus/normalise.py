"""Small pure text helpers shared by the loaders: ligatures, invisible characters, whitespace, line-end
hyphens, bullets and inline markup.

Every loader emits text in one canonical form (see `corpus/loaders/__init__.py`); these functions are the
pieces that form is built from. None of them touches anything but the string it is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# --- characters ---------------------------------------------------------------------------------

LIGATURES = "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ
_LIGATURE_MAP = {ord(c): unicodedata.normalize("NFKC", c) for c in LIGATURES}
# Soft hyphen, zero-width space/non-joiner/joiner, word joiner, BOM / zero-width no-break space.
_INVISIBLE_MAP = {ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"}
# No-break and typographic spaces become a plain space (so they collapse like any other space).
_SPACE_MAP = {ord(c): " " for c in "\u00a0\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))}
_SPACE_RUN = re.compile(r"[ ]{2,}")


def fix_ligatures(text: str) -> str:
    """Replace the Latin ligature characters (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) by their letters; nothing else changes.

    NFKC is applied to those seven characters only: on the whole text it would also rewrite "½", "™" and
    superscripts, which must survive.
    """
    return text.translate(_LIGATURE_MAP)


def strip_invisible(text: str) -> str:
    """Remove soft hyphens and zero-width characters; turn no-break and typographic spaces into spaces."""
    return text.translate(_INVISIBLE_MAP).translate(_SPACE_MAP)


def collapse_spaces(line: str) -> str:
    """Collapse runs of spaces inside one line and strip its ends (tabs are left alone: they are TSV)."""
    return _SPACE_RUN.sub(" ", line).strip(" ")


def clean_cell(text: str | None) -> str:
    """A table cell as it goes into a TSV row: no tabs or newlines inside, single spaces, trimmed."""
    if not text:
        return ""
    text = strip_invisible(fix_ligatures(text))
    return collapse_spaces(re.sub(r"[\t\r\n\f\v]+", " ", text))


# --- line-end hyphens -----------------------------------------------------------------------------

# First halves that form real hyphenated compounds ("multi-agency", "co-operate", "non-statutory").
HYPHEN_PREFIXES = frozenset(
    {"multi", "non", "co", "pre", "post", "self", "cross", "inter", "sub", "anti", "ex", "semi", "well", "mid"}
)
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_LEFT_TAIL = re.compile(r"([A-Za-z]+)-$")
_RIGHT_HEAD = re.compile(r"^([A-Za-z]+)")


def build_vocabulary(lines: Iterable[str]) -> set[str]:
    """Lower-case words (and hyphenated compounds) of a document, from its lines in reading order.

    A fragment split by a line-end hyphen is not a word, so the last word of a line ending in "-" and the
    first word of the line after it are left out. Dehyphenation asks this set how the document spells words.
    """
    vocab: set[str] = set()
    previous_split = False
    for line in lines:
        words = _WORD.findall(line)
        split = line.rstrip().endswith("-")
        if split and words:
            words = words[:-1]
        if previous_split and words:
            words = words[1:]
        previous_split = split
        vocab.update(w.lower() for w in words)
        vocab.update(part.lower() for w in words if "-" in w for part in w.split("-"))
    return vocab


def join_hyphenated(left: str, right: str, vocabulary: set[str] | frozenset[str] = frozenset()) -> str:
    """Join a line ending in "-" to the next line, deciding whether the hyphen is real.

    `left` ends with "<letters>-"; `right` is the next line. The rule, first match wins:
      1. the document spells the joined word elsewhere ("safeguarding") and not the hyphenated form: drop it;
      2. the document spells the hyphenated form elsewhere ("child-centred"): keep it;
      3. the first half is a compound prefix (multi, non, co, pre, post, self, cross, inter, sub, ...): keep;
      4. the second half starts with a capital or a digit ("Anglo-Saxon", "Covid-19"): keep;
      5. both halves are words the document uses on their own ("long-term"): keep;
      6. otherwise it is a typographic break inside a word ("assess-" / "ment"): drop it.
    """
    tail, head = _LEFT_TAIL.search(left), _RIGHT_HEAD.match(right)
    if not tail or not head:  # not a word split: keep both as written, no space after the hyphen
        return left + right
    a, b = tail.group(1), head.group(1)
    joined, hyphenated = (a + b).lower(), f"{a}-{b}".lower()
    keep: bool
    if joined in vocabulary and hyphenated not in vocabulary:
        keep = False
    elif hyphenated in vocabulary:
        keep = True
    elif a.lower() in HYPHEN_PREFIXES or b[0].isupper() or right[:1].isdigit():
        keep = True
    elif len(a) > 2 and len(b) > 2 and a.lower() in vocabulary and b.lower() in vocabulary:
        keep = True
    else:
        keep = False
    return left + right if keep else left[:-1] + right


def join_lines(left: str, right: str, vocabulary: set[str] | frozenset[str] = frozenset()) -> str:
    """Join two wrapped lines of one paragraph: repair hyphenation, otherwise put one space between."""
    left, right = left.rstrip(), right.lstrip()
    if not left:
        return right
    if not right:
        return left
    if left.endswith("\u00ad"):  # a soft hyphen at a line end marks a typographic break
        return left[:-1] + right
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha() and right[:1].isalnum():
        return join_hyphenated(left, right, vocabulary)
    return f"{left} {right}"


# --- bullets and list items -----------------------------------------------------------------------

BULLET = "• "
# Glyphs used as bullets; U+F0xx are Symbol/Wingdings bullets that PDFs map into the private use area.
_BULLET_GLYPHS = "•●○◦▪▫■□►▶▸‣⁃∙·➢➤✓✔❖◆◇"
_BULLET_RE = re.compile(rf"^\s*(?:[-–*](?=\s)|[{_BULLET_GLYPHS}\uf000-\uf0ff])\s*(?=\S)")
_O_BULLET_RE = re.compile(r"^\s*o\s+(?=\S)")  # Word's second-level "o" (Courier) bullet
_LETTER_ITEM_RE = re.compile(r"^\s*(?:\(?(?:[a-z]|[ivx]{1,4})[).]|\(\d{1,2}\)|\d{1,2}\))\s+\S")


def is_bullet(line: str, allow_o: bool = False) -> bool:
    """True when a line starts with a bullet glyph ("•", "-", "*", "▪", "" ...), or with Word's "o"
    sub-bullet when `allow_o` (the caller knows it stood alone as a glyph)."""
    return bool(_BULLET_RE.match(line) or (allow_o and _O_BULLET_RE.match(line)))


def normalise_bullet(line: str, allow_o: bool = False) -> str:
    """Rewrite a bullet line to start with "• " exactly; other lines come back unchanged."""
    m = _BULLET_RE.match(line) or (_O_BULLET_RE.match(line) if allow_o else None)
    return BULLET + line[m.end():].strip() if m else line


def is_letter_item(line: str) -> bool:
    """True for list items numbered with letters or bracketed numbers: "a) ...", "(ii) ...", "3) ..."."""
    return bool(_LETTER_ITEM_RE.match(line))


def is_numbered_paragraph(line: str) -> bool:
    """True for "65. Relevant agencies ..." and "4.2 Scope" starts (not for "2019 figures")."""
    m = re.match(r"^(\d{1,3}(?:\.\d{1,3})*)(\.?)\s", line)
    if not m:
        return False
    return bool(m.group(2)) or "." in m.group(1)


# --- page furniture --------------------------------------------------------------------------------

_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–|]\s*\d{1,4}\s*[-–|]$", re.IGNORECASE
)


def is_page_number(line: str) -> bool:
    """True for a line that is only a page number: "31", "Page 3 of 10", "- 4 -", "iv"."""
    return bool(_PAGE_NUMBER_RE.match(line.strip()))


def furniture_key(line: str) -> str:
    """A line reduced for header/footer comparison across pages: lower-case letters, each number as "#".

    Spaces and punctuation are dropped because PDF extraction spaces the same footer differently on
    different pages ("Please" / "Pl ease").
    """
    return re.sub(r"[^a-z#]", "", re.sub(r"\d+", "#", line.lower()))


# --- inline markup (Markdown and stray HTML) -------------------------------------------------------

_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.DOTALL)
_MD_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+|[^>\s@]+@[^>\s@]+)>")
_LIST_TAG = re.compile(r"</?(?:ul|ol)\b[^>]*>|<li\b[^>]*>", re.IGNORECASE)
_PARA_TAG = re.compile(r"</?(?:p|div|tr|td|th)\b[^>]*>|<br\s*/?>|</li\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?(?:p|div|br|li|tr|td|th)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}


def strip_markdown_inline(text: str) -> str:
    """"**bold**" -> "bold", "[text](url)" -> "text", "*em*" -> "em", "<https://x>" -> "https://x",
    and inline HTML tags ("<u>4</u>") -> their text. Block structure and line breaks are left alone."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_BOLD.sub(r"\2", text)
    text = _MD_ITALIC.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    return _MD_ESCAPE.sub(r"\1", text)


CELL_LIST_SEPARATOR = " • "
"""Joins list items inside a table cell. The bullet is kept (not "; ") because the contents-list reader
(`corpus/contents.py`) takes "• Private Fostering 44" inside a contents row for a sub-entry."""
CELL_PARAGRAPH_SEPARATOR = "; "


def flatten_cell_html(cell: str) -> str:
    """A table cell holding HTML, made plain text on one line.

    List items are joined by " • ", paragraphs by "; ", other tags give their text:
    "Intro <ul> • a • b </ul>" -> "Intro • a • b"; "<p>x</p> <p>y</p>" -> "x; y"; "<u>4</u>" -> "4".
    Unclosed lists (a "<ul>" with no "</ul>") are read the same way.
    """
    if "<" not in cell:
        return collapse_spaces(strip_markdown_inline(cell))
    has_list = bool(_LIST_TAG.search(cell))
    text = _LIST_TAG.sub("\x01", cell)
    text = _PARA_TAG.sub("\x00", text)
    if has_list:
        text = re.sub(r"\s*[•▪●◦]\s*", "\x01", text)
    text = strip_markdown_inline(text)
    out = ""
    separator = ""
    for piece in re.split(r"([\x00\x01]+)", text):
        if not piece:
            continue
        if piece[0] in "\x00\x01":
            separator = CELL_LIST_SEPARATOR if "\x01" in piece else CELL_PARAGRAPH_SEPARATOR
            continue
        piece = collapse_spaces(piece)
        if piece:
            out = f"{out}{separator}{piece}" if out else piece
    return out
