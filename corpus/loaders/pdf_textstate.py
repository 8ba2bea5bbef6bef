"""Text state for PDF runs: where each run of text starts and ends, measured with the font's glyph widths.

pypdf does not say where a chunk of text ends (nor, after a font change inside a positioned run, where it
starts), so `Pen` follows the text state through pypdf's operator callbacks and measures every string shown
with the font's glyph widths, character and word spacing, horizontal scaling and TJ kerning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PageObject

try:  # pypdf's font metrics reader (glyph widths, core-14 metrics); it has moved between pypdf versions
    from pypdf.generic._font import Font as _PypdfFont
except ImportError:  # pragma: no cover - older pypdf
    try:
        from pypdf._font import Font as _PypdfFont  # type: ignore[no-redef]
    except ImportError:
        _PypdfFont = None  # type: ignore[assignment,misc]  # chunk ends are then guessed, as before

_SHOW_OPS = (b"Tj", b"TJ", b"'", b'"')
_MOVE_OPS = (b"BT", b"Td", b"TD", b"Tm", b"T*", b"'", b'"')


@dataclass(slots=True)
class _Chunk:
    text: str
    x: float
    y: float
    size: float
    font: str
    end: float | None = None  # x where the chunk's last glyph ends, when the font's widths are known


@dataclass(slots=True)
class _FontWidths:
    """Glyph advances of one font in text space units per unit font size, by character code."""

    two_byte: bool
    widths: dict[int, float]
    default: float
    scale: float = 0.001  # glyph space to text space (Type3 fonts set their own FontMatrix)
    measured: dict[bytes | str, tuple[float, int, int]] = field(default_factory=dict)

    def measure(self, string: bytes | str) -> tuple[float, int, int]:
        """A shown string's glyph widths at font size 1, its glyph count and its single-byte spaces (cached:
        generators show the same short pieces again and again)."""
        hit = self.measured.get(string)
        if hit is None:
            raw = _raw_bytes(string)
            if self.two_byte:
                codes: list[int] | bytes = [raw[i] << 8 | raw[i + 1] for i in range(0, len(raw) - 1, 2)]
                spaces = 0  # word spacing applies to the single-byte code 32 only
            else:
                codes = raw
                spaces = raw.count(32)
            get, default = self.widths.get, self.default
            hit = (self.scale * sum(get(c, default) for c in codes), len(codes), spaces)
            if len(self.measured) < 50_000:
                self.measured[string] = hit
        return hit


FontCache = dict[int, tuple[object, "_FontWidths | None"]]  # id(font dict) -> (font dict, widths)


def _font_widths(font_dict: object, cache: FontCache) -> _FontWidths | None:
    """The widths of a font resource, read once per document (pypdf's `Font` does the parsing)."""
    hit = cache.get(id(font_dict))
    if hit is not None and hit[0] is font_dict:  # the reader hands out one object per font
        return hit[1]
    result: _FontWidths | None = None
    try:
        font = _PypdfFont.from_font_resource(font_dict)  # type: ignore[union-attr]
        widths = {ord(k): float(v) for k, v in font.character_widths.items() if len(k) == 1}
        subtype = font_dict.get("/Subtype")  # type: ignore[attr-defined]
        matrix = font_dict.get("/FontMatrix") if subtype == "/Type3" else None  # type: ignore[attr-defined]
        scale = float(matrix[0]) if matrix is not None and len(matrix) >= 1 and float(matrix[0]) > 0 else 0.001
        result = _FontWidths(subtype == "/Type0", widths, float(font.character_widths.get("default", 500)), scale)
    except Exception:  # noqa: BLE001 - without widths (or pypdf's Font) the chunk's end is guessed
        result = None
    cache[id(font_dict)] = (font_dict, result)
    return result


def _resolve(obj: object, key: str | None = None) -> object:
    """`obj` (or its entry `key`) with indirect references followed; None when missing or unreadable."""
    try:
        if obj is not None and key is not None:
            obj = obj.get_object().get(key)  # type: ignore[union-attr]
        return obj.get_object() if obj is not None else None  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001
        return None


def _lookup(resources: object, kind: str, name: object) -> object:
    """The resource `name` of `kind` ("/Font", "/XObject") in a resource dictionary, or None."""
    return _resolve(_resolve(resources, kind), name) if isinstance(name, str) else None


def _raw_bytes(value: bytes | str) -> bytes:
    """The bytes of a shown string (pypdf hands some over already decoded as text)."""
    if isinstance(value, bytes):
        return value
    raw = getattr(value, "original_bytes", None)
    return raw if isinstance(raw, bytes) else value.encode("latin-1", "replace")


@dataclass(slots=True)
class _TextState:
    font: _FontWidths | None = None
    size: float = 0.0
    char_space: float = 0.0  # Tc, in unscaled text space units
    word_space: float = 0.0  # Tw
    scale: float = 1.0  # Tz / 100
    advance: float = 0.0  # text space advance since the last positioning operator
    known: bool = True  # every string since that operator was measured


class _Pen:
    """Follows the text state through pypdf's operator callbacks to place the start and end of every chunk.

    pypdf's text matrix stays at the start of the current positioned run while strings are shown, so the pen
    is that matrix plus the widths of the strings shown since (the PDF's own advance rule: glyph width times
    font size, plus Tc per glyph and Tw per single-byte space, times Tz; TJ numbers move back).
    """

    def __init__(self, page: PageObject, fonts: FontCache) -> None:
        self.fonts = fonts
        self.state = _TextState()
        self.saved: list[_TextState] = []
        self.resources: list[object] = [_resolve(page.get("/Resources"))]
        self.frames: list[tuple[_TextState, list[_TextState]]] = []
        self.start: tuple[float, float] | None = None  # first glyph of the chunk being built
        self.end: tuple[float, float] | None = None  # end of the last string shown
        self.broken = False  # an operator could not be followed: positions are pypdf's and ends are guessed

    def take(self) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
        """The start and end of the chunk pypdf is reporting now; the next chunk starts afresh."""
        start, end = self.start, self.end
        self.start = None
        return (None, None) if self.broken else (start, end)

    def before(self, op: bytes, args: list, cm: list, tm: list) -> None:
        if op == b"Do":  # a form XObject runs with its own resources and text state (`_after` restores ours)
            self.frames.append((self.state, self.saved))
            self.state, self.saved = _TextState(), []
            self.resources.append(_resolve(_lookup(self.resources[-1], "/XObject", args[0] if args else None),
                                           "/Resources"))

    def after(self, op: bytes, args: list, cm: list, tm: list) -> None:
        if self.broken:
            return
        try:
            self._after(op, args, cm, tm)
        except Exception:  # noqa: BLE001 - odd operands: the rest of the page falls back to guessed ends
            self.broken, self.start, self.end = True, None, None

    def _after(self, op: bytes, args: list, cm: list, tm: list) -> None:
        st = self.state
        if op in _MOVE_OPS:
            st.advance, st.known = 0.0, True
        if op in _SHOW_OPS:
            self._show(op, args, cm, tm)
        elif op == b"Tf" and len(args) >= 2:
            font_dict = _lookup(self.resources[-1], "/Font", args[0])
            st.font = _font_widths(font_dict, self.fonts) if font_dict is not None else None
            st.size = _number(args[1], st.size)
        elif op == b"Tc" and args:
            st.char_space = _number(args[0], 0.0)
        elif op == b"Tw" and args:
            st.word_space = _number(args[0], 0.0)
        elif op == b"Tz" and args:
            st.scale = _number(args[0], 100.0) / 100
        elif op == b"q":
            self.saved.append(_TextState(st.font, st.size, st.char_space, st.word_space, st.scale))
        elif op == b"Q" and self.saved:
            old = self.saved.pop()
            old.advance, old.known = st.advance, st.known  # the text position is not part of the saved state
            self.state = old
        elif op == b"Do" and self.frames:
            self.state, self.saved = self.frames.pop()
            self.start = self.end = None  # pypdf reported the text before the form when the form began
            self.resources.pop()

    def _show(self, op: bytes, args: list, cm: list, tm: list) -> None:
        st = self.state
        if op == b'"' and len(args) >= 3:
            st.word_space, st.char_space = _number(args[0], 0.0), _number(args[1], 0.0)
            items: list = [args[2]]
        elif op == b"TJ":
            items = args[0] if args and isinstance(args[0], list) else []  # strings, and moves in 1/1000 em
        else:
            items = args[:1]
        font = st.font
        if font is None or not st.known:
            st.known, self.end = False, None
            return
        size, char_space, word_space, scale = st.size, st.char_space, st.word_space, st.scale
        begin = advance = st.advance
        measure, back = font.measure, size * scale / 1000
        for item in items:
            if isinstance(item, (bytes, str)):
                glyphs, count, spaces = measure(item)
                advance += (glyphs * size + char_space * count + word_space * spaces) * scale
            elif isinstance(item, (int, float)):
                advance -= item * back
        st.advance = advance
        if self.start is None:
            self.start = _user_point(begin, cm, tm)
        self.end = _user_point(advance, cm, tm)


def _number(value: object, default: float) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _user_point(advance: float, cm: list, tm: list) -> tuple[float, float]:
    """The point `advance` text space units along the baseline from the text matrix's origin."""
    a, b, _, _, e, f = (float(v) for v in tm)
    ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
    x, y = advance * a + e, advance * b + f
    return x * ca + y * cc + ce, x * cb + y * cd + cf


