"""Names that look alike: a vendor must not bid twice under two spellings that read the same.

A name's skeleton is what it looks like: compatibility-normalised (NFKC), case-folded, and each
character replaced by the plain Latin letter or digit it can be mistaken for. The mapping comes
from Unicode's confusables table (through the maintained ``confusable-homoglyphs`` package,
followed through case variants, so that small capitals and Cherokee letters count), with a few
Greek and IPA letters the table pairs only with each other.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib import resources

_EXTRA = {"τ": "t", "κ": "k", "χ": "x", "ε": "e", "ȷ": "j", "ʀ": "r", "ӏ": "l", "0": "o", "1": "l"}


@functools.cache
def _table() -> dict[str, list[str]]:
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(
        encoding="utf-8"))
    return {ch: [h["c"] for h in homoglyphs] for ch, homoglyphs in data.items()}


@functools.lru_cache(maxsize=4096)
def latin(ch: str) -> str:
    """The ASCII letter or digit ``ch`` can be taken for (lower case), or ``ch`` itself."""
    if ch in _EXTRA:
        return _EXTRA[ch]
    if ch.isascii():
        return ch.lower()
    table = _table()
    seen, frontier = {ch}, [ch]
    for _ in range(4):  # a few hops: ᴀ -> ꭺ (Cherokee small) -> Ꭺ -> A
        following: list[str] = []
        for c in frontier:
            for other in (*table.get(c, ()), c.upper(), c.lower()):
                if len(other) == 1 and other.isascii() and other.isalnum():
                    return _EXTRA.get(other, other.lower())
                if other not in seen:
                    seen.add(other)
                    following.append(other)
        frontier = following
    return ch


def skeleton(name: str) -> str:
    """What a name looks like (see the module's note); two names with one skeleton look alike."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join("".join(latin(ch) for ch in text).split())
