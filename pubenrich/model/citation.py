"""What a citation says about its paper: its role on the page, identifiers, authors and cues.

Plain values, apart from the reading that finds them (:mod:`pubenrich.text.citations`), so that
the resolver, the comparison and the enriched record can hold a citation without the reader.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from pubenrich.text.extract import Mention

__all__ = ["AuthorCue", "Citation", "Cues", "Role"]

Role = Literal["primary", "related", "reference"]


@attrs.frozen
class AuthorCue:
    """An author as a citation names them: last name plus initials and, when given, fore name."""

    last_name: str = attrs.field(validator=attrs.validators.min_len(1))
    initials: str = ""
    fore_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        return attrs.asdict(self)


@attrs.frozen
class Cues:
    """What a citation says about its paper besides identifiers; ``confidence`` is 0 to 1."""

    title: str | None = None
    authors: tuple[AuthorCue, ...] = ()
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    first_page: str | None = None
    topic_words: tuple[str, ...] = ()
    confidence: float = attrs.field(
        default=0.0, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        data = attrs.asdict(self, recurse=True)
        data["authors"] = [author.to_dict() for author in self.authors]
        data["topic_words"] = list(self.topic_words)
        return data


@attrs.frozen
class Citation:
    """One paper as a page cites it: its role, its identifiers and mentions, its text and cues."""

    role: Role = attrs.field(validator=attrs.validators.in_(("primary", "related", "reference")))
    mentions: tuple[Mention, ...] = ()
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    section: str | None = None
    cues: Cues = attrs.Factory(Cues)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        return {
            "role": self.role,
            "mentions": [mention.to_dict() for mention in self.mentions],
            "pmid": self.pmid,
            "pmcid": self.pmcid,
            "doi": self.doi,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "section": self.section,
            "cues": self.cues.to_dict(),
        }
