"""The demo site builds with a search index that ``dastan search check`` finds in order."""

from __future__ import annotations

import pytest

from dastan.content.models import Place
from dastan.newsroom.demo import demo_build
from dastan.search.management.commands.search import index_check

pytestmark = pytest.mark.django_db


class DemoTests:
    def test_fresh_demo_index_is_in_order(self):
        """``dastan search check`` found 2 stale entries: cities were filed under their
        countries by a bulk update() the index never heard of."""
        demo_build()
        report = index_check()
        assert (report.missing, report.stale, report.extra) == ([], [], [])
        almaty = Place.objects.get(name="Almaty")
        assert almaty.country.name == "Kazakhstan"
        assert almaty.kind == Place.Kind.CITY
