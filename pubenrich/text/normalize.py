"""Text folded for comparison: ASCII words in lower case, and the words a title is about.

Scoring, comparison and the PubMed search terms all compare what a citation wrote with what
PubMed holds; they must fold text the same way, so the folding lives here once.
"""

from __future__ import annotations

import re
import unicodedata

from pubenrich.text.stopwords import FUNCTION_WORDS

__all__ = ["content_words", "normalize_text"]

_WORD = re.compile(r"[a-z0-9]+")


def normalize_text(text: str) -> str:
    """Case-folded ASCII words joined by single spaces: accents, markup and punctuation gone."""
    text = re.sub(r"<[^>]{1,40}>", "", text)  # inline markup such as <i> in PubMed titles
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(folded))


def content_words(text: str) -> list[str]:
    """The normalized words of ``text`` without :data:`~pubenrich.text.stopwords.FUNCTION_WORDS`."""
    return [w for w in normalize_text(text).split() if w not in FUNCTION_WORDS]
