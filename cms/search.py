"""Making Chinese text findable with Wagtail's database search backend.

PostgreSQL full-text search and SQLite FTS5 split words on spaces and
punctuation, so a run of Chinese characters is one "word": "司法确认" would
not be found inside "双方可共同申请司法确认". Pages therefore also index
their text as overlapping character pairs (bigrams) and single characters,
and the search view turns the query's Chinese into the same pairs, all of
which must match — the approach of Lucene's CJK analyser.
"""

import re

from django.core.exceptions import FieldDoesNotExist
from wagtail.search import index

CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_terms(text: str, *, unigrams: bool = True) -> list[str]:
    """The bigrams (and single characters) of every run of CJK characters in `text`."""
    terms = []
    for run in CJK_RUN.findall(text):
        if unigrams or len(run) == 1:
            terms.extend(run)
        terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return terms


# Characters no search term may hold: the backends quote each term with double
# quotes without escaping them (SQLite FTS5 then fails on a stray quote), and
# neither SQLite nor PostgreSQL takes NUL or other control characters.
_UNSEARCHABLE = re.compile(r'["\x00-\x1f\x7f]')


MAX_TERMS = 40


def search_query(query: str) -> str:
    """The query as the index has it: Chinese as bigrams (a single character
    stays one term), double quotes and control characters dropped, everything
    else unchanged."""
    parts = []
    for token in _UNSEARCHABLE.sub(" ", query).split():
        if CJK_RUN.search(token):
            parts.extend(cjk_terms(token, unigrams=False))
            rest = CJK_RUN.sub(" ", token).split()
            parts.extend(rest)
        else:
            parts.append(token)
    # A long Chinese query makes hundreds of bigrams; the search backends nest one
    # OR per term (PostgreSQL's exceeds Python's recursion limit), and the first
    # terms find the same pages anyway.
    return " ".join(parts[:MAX_TERMS])


class CJKSearchMixin:
    """Indexes `cjk_search_terms()`: the bigrams and single characters of the
    page's searchable fields, and the words next to them.
    Add `index.SearchField("cjk_search_terms")` to the page's search_fields."""

    def cjk_search_terms(self) -> str:
        texts = []
        for search_field in self.search_fields:
            name = search_field.field_name
            if not isinstance(search_field, index.SearchField) or name == "cjk_search_terms":
                continue
            value = getattr(self, name, None)
            if value is None or callable(value):
                continue
            try:
                field = self._meta.get_field(name)
            except FieldDoesNotExist:  # a property or method: index its text as is
                field = None
            if field is not None and hasattr(field, "get_searchable_content"):
                texts.extend(str(part) for part in field.get_searchable_content(value))
            else:
                texts.append(str(value))
        text = " ".join(texts)
        # The pairs, and the text around the Chinese ("公告1" → "1"), as separate words.
        return " ".join(cjk_terms(text)) + " " + CJK_RUN.sub(" ", text)
