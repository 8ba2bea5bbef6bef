"""The urgent-concern route: spot a message that describes a child at risk now, and the fixed lines it gets.

Pure regular expressions over a normalised message; every word list, pattern and line of wording lives in
`urgent.toml` beside this module (its comments explain how a message is read). The route fires when the
message names a harm, a child and a sign that this is a real case now, and no sign of an ordinary question
(figures, definitions, policy, "what should I do if a child...") that the sign does not override.

    detector = UrgentDetector.from_file()
    if (match := detector.detect("a 14 year old has gone missing tonight")) is not None:
        lines = detector.notice(front_door="the Redbridge MASH on 020 8708 3885")
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_RULES = Path(__file__).with_name("urgent.toml")
FRONT_DOOR = "{front_door}"
_MACRO = re.compile(r"<([a-z_]+)>")
# "14yo", "14 y/o", "14yr old", "14yr" -> "14 year old"; "2yrs" is a duration and stays as it is.
_AGE = re.compile(r"\b(\d{1,2}) ?(?:y ?/ ?o|y\.o\.?|y o|yo|yrs? ?old|years? ?old)\b|\b(\d{1,2})yr\b")
_TOKEN_CHARS = re.compile(r"[^a-z0-9?%/ ]+")
_SLASH = re.compile(r"(?<!\d)/|/(?!\d)")


@dataclass(frozen=True)
class UrgentMatch:
    """Why the urgent route fired: rule names only, never the message text."""

    reason: str  # "<harm>+<cue>", e.g. "missing+time_strong"
    harm: str
    cue: str


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern[str]
    overrides: frozenset[str]
    is_subject: bool


@dataclass(frozen=True)
class UrgentRules:
    """The validated, compiled content of an urgent rules file. Build with `load()` or `from_dict()`."""

    first_line: str
    front_door_line: str
    front_door_fallback: str
    spelling: dict[str, str]
    typo_words: frozenset[str]
    typo_deletes: dict[str, str]
    harms: tuple[tuple[str, re.Pattern[str]], ...]
    subject: re.Pattern[str]
    cues: tuple[Cue, ...]
    frames: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def load(cls, path: Path) -> UrgentRules:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"{path}: no such file; pass the path of an urgent rules file or restore "
                             f"assistant/urgent.toml from version control") from None
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"{path} is not valid TOML ({err}); fix the syntax there (regular expressions "
                             f"belong in single-quoted literal strings)") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "urgent rules") -> UrgentRules:
        return _Parser(data, source).rules()


class UrgentDetector:
    """Detects messages describing a child at risk now; `notice()` gives the fixed lines shown first."""

    def __init__(self, rules: UrgentRules) -> None:
        if not isinstance(rules, UrgentRules):
            raise TypeError(f"UrgentDetector needs UrgentRules, got {type(rules).__name__}; "
                             f"use UrgentDetector.from_file() or UrgentRules.load(path)")
        self.rules = rules

    @classmethod
    def from_file(cls, path: Path | None = None) -> UrgentDetector:
        """Rules from `path`, by default `urgent.toml` beside this module; ValueError says what is wrong."""
        return cls(UrgentRules.load(Path(path) if path is not None else DEFAULT_RULES))

    def detect(self, text: str) -> UrgentMatch | None:
        """The rule that fired when `text` describes a child at risk now, else None."""
        rules = self.rules
        norm = normalise(text, rules.spelling, rules.typo_words, rules.typo_deletes)
        harm = next((name for name, pattern in rules.harms if pattern.search(norm)), None)
        if harm is None:
            return None
        frames = {name for name, pattern in rules.frames if pattern.search(norm)}
        has_subject = rules.subject.search(norm) is not None
        for cue in rules.cues:
            if frames <= cue.overrides and (has_subject or cue.is_subject) and cue.pattern.search(norm):
                return UrgentMatch(reason=f"{harm}+{cue.name}", harm=harm, cue=cue.name)
        return None

    def notice(self, front_door: str | None) -> list[str]:
        """The fixed lines, first the 999 line; `front_door` is contact text from the corpus, or None."""
        door = " ".join(front_door.split()) if front_door else ""
        door = door or self.rules.front_door_fallback
        return [self.rules.first_line, self.rules.front_door_line.replace(FRONT_DOOR, door)]


def normalise(text: str, spelling: dict[str, str], typo_words: frozenset[str], typo_deletes: dict[str, str]) -> str:
    """Lower case, no apostrophes, single spaces, '?' kept as a word, ages as 'N year old', typos mended."""
    text = text.lower().replace("\u2019", "").replace("\u2018", "").replace("'", "").replace("`", "")
    text = _AGE.sub(lambda m: f" {m.group(1) or m.group(2)} year old ", text)
    text = _SLASH.sub(" ", _TOKEN_CHARS.sub(" ", text.replace("?", " ? ")))
    words: list[str] = []
    for token in text.split():
        replacement = spelling.get(token)
        if replacement is None and len(token) >= 6 and token.isalpha():
            replacement = _mend(token, typo_words, typo_deletes)
        words.append(replacement or token)
    return " ".join(words)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _mend(token: str, words: frozenset[str], deletes: dict[str, str]) -> str | None:
    """The listed word one typo away from `token` (letter dropped, added, changed or two swapped), if any.

    A token that is the word with its first or last letter missing or added ("teenage"/"teenager",
    "notice"/"noticed") is most likely another real word, so it is left alone.
    """
    if token in words:
        return None
    candidates = [deletes.get(token, "")]
    for shorter in _deletes(token):
        candidates += [shorter if shorter in words else "", deletes.get(shorter, "")]
    for word in candidates:
        if word and not (word.startswith(token) or token.startswith(word)
                         or word.endswith(token) or token.endswith(word)):
            return word
    return None


class _Parser:
    """Reads and checks the rules data; every error names the place and what to do."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data, self.source = data, source

    def fail(self, where: str, problem: str, fix: str) -> ValueError:
        return ValueError(f"{self.source}: {where} {problem}; {fix}")

    def table(self, data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key)
        fix = f"fill in [{key}] as described in the comments of assistant/urgent.toml"
        if value is None:
            raise self.fail(where, f"has no [{key}] table", fix.replace("fill in", "add"))
        if not isinstance(value, dict) or not value:
            raise self.fail(f"[{key}]", "is empty or not a table", fix)
        return value

    def text(self, data: dict[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"has no '{key}'" if value is None else f"'{key}' is not a non-empty string",
                            f"set {key} = \"...\" in {where}")
        return value.strip()

    def strings(self, data: dict[str, Any], key: str, where: str) -> list[str]:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail(where, f"has no '{key}' list" if value is None else f"'{key}' is not a list of strings",
                            f"set {key} = ['...', ...] in {where} (at least one entry)")
        return value

    def rules(self) -> UrgentRules:
        if self.data.get("version") != 1:
            raise self.fail("the file", f"has version {self.data.get('version')!r}",
                            "set version = 1 at the top (the only format this code reads)")
        notice = self.table(self.data, "notice", "the file")
        first = self.text(notice, "first_line", "[notice]")
        door_line = self.text(notice, "front_door_line", "[notice]")
        if FRONT_DOOR not in door_line:
            raise self.fail("[notice]", f"front_door_line has no {FRONT_DOOR} placeholder",
                            f"put {FRONT_DOOR} where the MASH / front door contact goes")
        fallback = self.text(notice, "front_door_fallback", "[notice]")
        spelling = self.spelling()
        typo_words, typo_deletes = self.typos()
        vocabulary = self.table(self.data, "vocabulary", "the file")
        if "harm" in vocabulary:
            raise self.fail("[vocabulary]", "defines 'harm', a name kept for the union of all [harms]",
                            "rename that list")
        self.vocabulary = {k: self.strings(vocabulary, k, "[vocabulary]") for k in vocabulary}
        harm_table = self.table(self.data, "harms", "the file")
        harm_patterns = {name: self.strings(harm_table, name, "[harms]") for name in harm_table}
        self.vocabulary["harm"] = [p for patterns in harm_patterns.values() for p in patterns]
        harms = tuple((name, self.compile(ps, f"[harms] {name}")) for name, ps in harm_patterns.items())
        subject = self.compile(self.strings(self.table(self.data, "subjects", "the file"), "patterns", "[subjects]"),
                               "[subjects]")
        frame_table = self.table(self.data, "frames", "the file")
        frames = tuple((name, self.compile(self.strings(self.table(frame_table, name, "[frames]"), "patterns",
                                                        f"[frames.{name}]"), f"[frames.{name}]"))
                       for name in frame_table)
        cues = tuple(self.cue(name, body, {n for n, _ in frames})
                     for name, body in self.table(self.data, "cues", "the file").items())
        return UrgentRules(first, door_line, fallback, spelling, typo_words, typo_deletes, harms, subject, cues, frames)

    def spelling(self) -> dict[str, str]:
        table = self.data.get("spelling", {})
        if not isinstance(table, dict) or not all(isinstance(v, str) and v.strip() and len(k.split()) == 1
                                                  for k, v in table.items()):
            raise self.fail("[spelling]", "is not a table of word = \"replacement\" (one word on the left)",
                            "write each entry as word = \"replacement\"")
        return {k.lower(): v.lower().strip() for k, v in table.items()}

    def typos(self) -> tuple[frozenset[str], dict[str, str]]:
        words = [w.lower() for w in self.strings(self.table(self.data, "typos", "the file"), "words", "[typos]")]
        short = [w for w in words if len(w) < 6 or not w.isalpha()]
        if short:
            raise self.fail("[typos]", f"lists {short!r}", "list only single words of six letters or more")
        deletes: dict[str, str] = {}
        for word in words:
            for variant in _deletes(word) - set(words):
                deletes[variant] = word if deletes.get(variant, word) == word else ""  # "" marks ambiguous
        return frozenset(words), deletes

    def cue(self, name: str, body: Any, frame_names: set[str]) -> Cue:
        where = f"[cues.{name}]"
        if not isinstance(body, dict):
            raise self.fail(where, "is not a table", "give it patterns = [...] and overrides = [...]")
        overrides = body.get("overrides")
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            raise self.fail(where, "has no 'overrides' list", "set overrides = [] or a list of frame names")
        unknown = sorted(set(overrides) - frame_names)
        if unknown:
            raise self.fail(where, f"overrides unknown frames {unknown}",
                            f"choose from {sorted(frame_names)}")
        is_subject = body.get("subject", False)
        if not isinstance(is_subject, bool):
            raise self.fail(where, "has a 'subject' that is not true or false", "set subject = true or remove it")
        return Cue(name, self.compile(self.strings(body, "patterns", where), where), frozenset(overrides), is_subject)

    def expand(self, pattern: str, where: str, seen: tuple[str, ...] = ()) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.vocabulary:
                raise self.fail(where, f"refers to <{name}>, which [vocabulary] does not define",
                                f"define {name} = [...] in [vocabulary] or fix the name "
                                f"(defined: {', '.join(sorted(self.vocabulary))})")
            if name in seen:
                raise self.fail(where, f"uses <{name}> inside itself ({' -> '.join(seen + (name,))})",
                                "remove the loop from [vocabulary]")
            inner = "|".join(self.expand(p, f"[vocabulary] {name}", seen + (name,)) for p in self.vocabulary[name])
            return f"(?:{inner})"

        return _MACRO.sub(replace, pattern)

    def compile(self, patterns: list[str], where: str) -> re.Pattern[str]:
        parts = []
        for pattern in patterns:
            if "(?P<" in pattern:
                raise self.fail(where, f"pattern {pattern!r} uses a named group", "use (?:...) instead")
            if pattern != pattern.strip():
                raise self.fail(where, f"pattern {pattern!r} starts or ends with a space, so it can never match "
                                "(patterns are matched as whole words)", "remove the space")
            parts.append(f"(?:{self.expand(pattern, where)})")
        # One word-boundary check around the whole alternation: mid-word positions fail at once.
        try:
            return re.compile(f"(?<![a-z0-9])(?:{'|'.join(parts)})(?![a-z0-9])")
        except re.error:
            for pattern, part in zip(patterns, parts):  # compile one by one only to name the broken one
                try:
                    re.compile(part)
                except re.error as err:
                    raise self.fail(where, f"pattern {pattern!r} is not a valid regular expression ({err})",
                                    "fix it, and write it as a single-quoted TOML literal string") from None
            raise
