"""Words that say nothing about which paper a text means, for titles and for topic words.

Two lists, one built on the other: titles are compared and searched by their content words
(:data:`FUNCTION_WORDS` dropped), and a page's topic words also drop the prose and page
furniture of :data:`TOPIC_STOP`. They cannot be one list: dropping "study" or "novel" from
titles would change every title score.
"""

from __future__ import annotations

__all__ = ["FUNCTION_WORDS", "TOPIC_STOP"]

# Articles, prepositions and connectives of titles ("Effects of X on Y using Z").
_FUNCTION = (
    "a an and are as at by for from in into is of on or the to with without via vs its "
    "their using use based between after before during under over"
)
# Also common in prose about a paper, or on the page around it, without naming its topic.
_PROSE = (
    "about above again against also although among another any because been being below "
    "both but can could does doing down each either further have having here however itself "
    "just more most much must never only other same should since some such than that them "
    "then there these they this those through until upon very well were what when where "
    "which while whom will within would your paper work study review results shown show "
    "shows current data used thus may might including include includes potential approach "
    "approaches need needs new novel highlights address offering offers requires require "
    "required display limited performance large graphs found comments citations references "
    "green blue gray"
)
FUNCTION_WORDS = frozenset(_FUNCTION.split())
TOPIC_STOP = FUNCTION_WORDS | frozenset(_PROSE.split())
