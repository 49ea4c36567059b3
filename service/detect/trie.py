"""One regex that finds, at each position of a text, the longest of many literal words.

Python's `re` tries the branches of an alternation one after another at every position, so a
list of 300 brand names or scam phrases costs 300 tries per character. Factored into a trie
(`ab|ac` -> `a(?:b|c)`), each character is tried against one branch per letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""  # marks a word ending at a trie node


def _tree(words: Iterable[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return root


def _pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [re.escape(char) + _pattern(child) for char, child in sorted(node.items())
                if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A word ends here and longer ones go on: the greedy `?` tries the longer first.
    return f"(?:{body})?" if _END in node else body


def longest_at_each_position(words: Iterable[str]) -> re.Pattern[str]:
    """`finditer` yields a match at every position where a word starts; `group(1)` is the
    longest word starting there (a lookahead, so overlapping words are all found)."""
    tree = _tree(w for w in words if w)
    body = _pattern(tree)
    return re.compile(f"(?=({body}))" if body else "(?!)")
