from importlib import import_module

import pytest

from dastan.search.backends import backend_path
from dastan.search.pretext import text_analysed, text_prepare, texts_ready

pytestmark = pytest.mark.django_db


class PretextTests:
    def test_text_prepared_ahead_is_the_backends_own_analysis(self):
        key, analysis = text_prepare(title="Tokayev", standfirst="", body="<p>Oil prices</p>")
        assert key == ("Tokayev", "", "<p>Oil prices</p>")
        backend = import_module(backend_path())
        assert analysis == backend.prepare_text("Tokayev", "", "<p>Oil prices</p>")

    def test_a_prepared_entry_is_used_only_for_exactly_the_same_text(self):
        calls = []

        def analyse(*text):
            calls.append(text)
            return ("fresh",)

        with texts_ready({("T", "", "body"): ("ahead",)}):
            assert text_analysed("T", "", "body", analyse) == ("ahead",)
            assert text_analysed("T", "", "body changed", analyse) == ("fresh",)
        assert text_analysed("T", "", "body", analyse) == ("fresh",)
        assert calls == [("T", "", "body changed"), ("T", "", "body")]
