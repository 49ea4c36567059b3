"""The message matcher: manipulation patterns (`message.*`) found in a chat message, pure.

The patterns are data (blocklists/reference/message-patterns.toml, read by the loader and
prepared here by `build_message_rules`). Each rule is a set of folded phrases (regular
expressions over the text `textfold.fold` makes, with `{term}` shorthands for spelling
variants such as ko/k/khong); a rule fires when one of its phrases matches, every `all` group
matches too, and none of its `unless` phrases does (a bank's "never share this code" is no
request for the code). Combinations are data as well: authority + secrecy + money weighs far
more than any one of them, as the police describe the "online kidnapping" script.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from service.core.errors import ListError
from service.core.model import Signal
from service.detect.textfold import Folded, fold

PREFIX = "message."
COMBINATION = "message.combination"
CODES = tuple(PREFIX + name for name in (
    "secrecy", "isolation", "authority_threat", "personal_data", "sensitive_photos",
    "money_transfer", "job_offer", "prize", "meeting", "private_group", "video_call", "urgency",
))
# Shorthands every pattern file may use besides its own [terms].
BUILTIN_TERMS = {"w": r"(?: [a-z0-9]+)?", "gap": r"(?: [a-z0-9]+){0,3}",
                 "gap6": r"(?: [a-z0-9]+){0,6}"}
_TERM = re.compile(r"\{([a-z0-9_]+)\}")
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![a-z0-9])", r"(?![a-z0-9])"
EVIDENCE_CHARS = 60


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    score: int
    phrases: re.Pattern[str] | None  # None: the `all` groups alone decide
    groups: tuple[re.Pattern[str], ...] = ()
    unless: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Combo:
    """Fires when every code of `all` was found and, if `any` is given, one of `any` too; or,
    with `count`, when that many distinct patterns were found."""

    name: str
    score: int
    all: frozenset[str] = frozenset()
    any: frozenset[str] = frozenset()
    count: int = 0

    def fires(self, found: frozenset[str]) -> bool:
        if self.count:
            return len(found) >= self.count
        return self.all <= found and (not self.any or bool(self.any & found))


@dataclass(frozen=True, slots=True)
class MessageRules:
    rules: tuple[Rule, ...]
    combos: tuple[Combo, ...]
    quiet: frozenset[str] = frozenset()  # codes that never count towards a combo's `count`


def build_message_rules(toml_text: str) -> MessageRules:
    """Prepare the pattern file; a broken file raises ListError naming the rule."""
    try:
        doc = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise ListError(f"message patterns: not valid TOML: {exc}") from None
    terms = {**BUILTIN_TERMS, **{k: f"(?:{v})" for k, v in doc.get("terms", {}).items()}}
    rules = tuple(_rule(n, table, terms) for n, table in enumerate(doc.get("pattern", []), 1))
    combos = tuple(_combo(n, table) for n, table in enumerate(doc.get("combo", []), 1))
    quiet = frozenset(PREFIX + c for c in doc.get("quiet", []))
    return MessageRules(rules=rules, combos=combos, quiet=quiet)


def _rule(number: int, table: Mapping[str, object], terms: Mapping[str, str]) -> Rule:
    where = f"message patterns: pattern {number}"
    code = PREFIX + str(table.get("code", ""))
    if code not in CODES:
        raise ListError(f"{where}: code must be one of {', '.join(CODES)}")
    score = table.get("score")
    if not isinstance(score, int) or not 0 < score <= 100:
        raise ListError(f"{where} ({code}): score must be an integer 1-100")
    groups = [_strings(g, where) for g in _list(table.get("all", []), where)]
    phrases = _strings(table.get("any", []), where)
    if not phrases and not groups:
        raise ListError(f"{where} ({code}): give phrases in `any` or groups in `all`")
    unless = _strings(table.get("unless", []), where)
    return Rule(
        code=code,
        score=score,
        phrases=_compile(phrases, terms, where) if phrases else None,
        groups=tuple(_compile(g, terms, where) for g in groups),
        unless=_compile(unless, terms, where) if unless else None,
    )


def _combo(number: int, table: Mapping[str, object]) -> Combo:
    where = f"message patterns: combo {number}"
    score = table.get("score")
    if not isinstance(score, int) or not 0 < score <= 100:
        raise ListError(f"{where}: score must be an integer 1-100")
    codes = {k: frozenset(PREFIX + c for c in _strings(table.get(k, []), where))
             for k in ("all", "any")}
    count = table.get("count", 0)
    if not isinstance(count, int) or (not count and not codes["all"]):
        raise ListError(f"{where}: give `all` codes or a `count`")
    unknown = (codes["all"] | codes["any"]) - set(CODES) - {PREFIX + "link"}
    if unknown:
        raise ListError(f"{where}: unknown codes {', '.join(sorted(unknown))}")
    return Combo(str(table.get("name", f"combo{number}")), score, codes["all"], codes["any"],
                 count)


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise ListError(f"{where}: expected a list")
    return value


def _strings(value: object, where: str) -> list[str]:
    items = _list(value, where)
    if not all(isinstance(item, str) and item for item in items):
        raise ListError(f"{where}: expected a list of non-empty strings")
    return [str(item) for item in items]


def _compile(phrases: Sequence[str], terms: Mapping[str, str], where: str) -> re.Pattern[str]:
    def expand(phrase: str) -> str:
        for _ in range(3):  # terms may name terms, three levels deep
            phrase = _TERM.sub(lambda m: terms.get(m.group(1), m.group(0)), phrase)
        left = _TERM.search(phrase)
        if left:
            raise ListError(f"{where}: unknown term {left.group(0)}")
        return phrase

    body = "|".join(f"(?:{expand(p)})" for p in phrases)
    try:
        return re.compile(f"{_EDGE_BEFORE}(?:{body}){_EDGE_AFTER}")
    except re.error as exc:
        raise ListError(f"{where}: bad pattern: {exc}") from None


def match_message(text: str, rules: MessageRules, *, blank: Iterable[tuple[int, int]] = ()) -> (
        list[Signal]):
    """The pattern signals of `text`, strongest rule per code; `blank` spans (the links found
    in it) are left out of matching so a link's words are judged as a link, not as talk."""
    chars = list(text)
    for start, end in blank:
        chars[start:end] = " " * (end - start)
    original = "".join(chars)
    folded = fold(original)
    best: dict[str, Signal] = {}
    for rule in rules.rules:
        signal = _apply(rule, folded, original)
        if signal is not None and (rule.code not in best or signal.score > best[rule.code].score):
            best[rule.code] = signal
    return list(best.values())


def _apply(rule: Rule, folded: Folded, original: str) -> Signal | None:
    hits = [g.search(folded.text) for g in rule.groups]
    if rule.phrases is not None:
        hits.insert(0, rule.phrases.search(folded.text))
    if not all(hits) or (rule.unless is not None and rule.unless.search(folded.text)):
        return None
    first = hits[0]
    assert first is not None
    start, end = first.span()  # the phrase, or an `all`-only rule's first group
    return Signal(rule.code, rule.score, {"match": folded.span(original, start, end,
                                                               EVIDENCE_CHARS)})


def combination(codes: Iterable[str], rules: MessageRules) -> Signal | None:
    """The strongest combination the found codes make, as one `message.combination` signal."""
    found = frozenset(codes)
    counted = found - rules.quiet
    fired = [c for c in rules.combos if c.fires(counted if c.count else found)]
    if not fired:
        return None
    top = max(fired, key=lambda c: c.score)
    names = sorted(c.removeprefix(PREFIX) for c in found)
    return Signal(COMBINATION, top.score, {"combo": top.name, "patterns": ", ".join(names)})
