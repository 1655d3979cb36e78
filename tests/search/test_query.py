"""The reader query language parses any input at all into a small tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dastan.search.query import MAX_ITEMS, AnyOf, Phrase, Query, Term, parse


class ParseTests:
    def test_words_are_all_required(self):
        """Plain words become required terms, in order, without duplicates."""
        assert parse("oil  prices oil") == Query(include=(Term("oil"), Term("prices")))

    def test_phrase(self):
        """Quoted words are a phrase."""
        assert parse('"central bank" rate').include == (Phrase(("central", "bank")), Term("rate"))

    def test_unterminated_quote_runs_to_the_end(self):
        """A quote left open takes the rest of the query as the phrase."""
        assert parse('rate "central bank').include == (Term("rate"), Phrase(("central", "bank")))

    def test_exclusion(self):
        """``-word`` and ``-"phrase"`` exclude."""
        q = parse('election -parliament -"snap vote"')
        assert q.include == (Term("election"),)
        assert q.exclude == (Term("parliament"), Phrase(("snap", "vote")))

    def test_hyphen_inside_a_word_is_not_exclusion(self):
        """``Kassym-Jomart`` is a phrase of two words, not an exclusion."""
        assert parse("Kassym-Jomart").include == (Phrase(("Kassym", "Jomart")),)

    def test_or(self):
        """``OR`` joins the items on either side."""
        q = parse("oil OR gas OR coal prices")
        assert q.include == (AnyOf((Term("oil"), Term("gas"), Term("coal"))), Term("prices"))

    def test_lowercase_or_is_a_word(self):
        """Only capital ``OR`` is an operator."""
        assert parse("oil or gas").include == (Term("oil"), Term("or"), Term("gas"))

    def test_dangling_operators_are_ignored(self):
        """``OR`` at either end, a lone ``-`` and lone quotes give no error."""
        assert parse('OR oil OR - " ').include == (Term("oil"),)

    def test_only_exclusions_is_empty(self):
        """A query that only excludes has nothing to look for."""
        assert parse("-oil").is_empty

    def test_syntax_of_the_engines_is_plain_text(self):
        """FTS5 and tsquery syntax are separators, never operators."""
        q = parse("NEAR(oil gas) col:oil ^start oil* 'x' & | ! (a)")
        assert all(isinstance(i, Term | Phrase) for i in q.include)
        assert Phrase(("NEAR", "oil")) in q.include

    def test_long_input_is_cut(self):
        """10 KB of text gives a bounded query."""
        q = parse("word " * 2000 + "".join(f"w{i} " for i in range(2000)))
        assert len(q.include) <= MAX_ITEMS

    def test_control_characters_are_spaces(self):
        """Control characters separate words."""
        assert parse("oil\x00gas\x1f").include == (Term("oil"), Term("gas"))

    @settings(max_examples=300)
    @given(st.text())
    def test_any_text_parses(self, raw):
        """Parsing never raises, whatever the input."""
        q = parse(raw)
        assert isinstance(q, Query)
        assert len(q.include) <= MAX_ITEMS


class QueryBoundsTests:
    def test_or_chains_are_bounded_so_a_query_stays_cheap(self):
        """A 60-option OR chain costs at most MAX_OPTIONS lookups."""
        from dastan.search.query import MAX_OPTIONS, AnyOf, parse

        query = parse(" OR ".join(f"w{i}" for i in range(60)))
        options = sum(len(i.options) if isinstance(i, AnyOf) else 1 for i in query.include)
        assert 1 <= options <= MAX_OPTIONS
