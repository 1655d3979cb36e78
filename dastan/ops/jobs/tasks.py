"""The jobs: each raises ``JobFailed`` (or any error) when it did not do its work."""

from __future__ import annotations

import io
import logging

from django.core.management import call_command

logger = logging.getLogger("dastan.ops.jobs")


class JobFailed(Exception):
    """A job ran but did not do its work; the runner logs it and tries again later."""


def rates_fetch(*sources: str) -> str:
    """Fetch today's rates from ``sources`` (the aggregator stands in for a failed bank)."""
    from dastan.rates.services import rates_refresh

    result = rates_refresh(sources=list(sources))
    stored = result.stored
    summary = (
        f"{stored.created} new, {stored.corrected} corrected, {stored.unchanged} unchanged"
        f" from {', '.join(result.fetched) or 'no source'}"
    )
    problems = [str(error) for error in result.errors] + [str(r) for r in result.refused]
    if problems:
        raise JobFailed(f"{summary}; " + "; ".join(problems))
    return summary


def search_check() -> str:
    """Compare the search index with the articles and mend every difference."""
    out = io.StringIO()
    call_command("search", "check", "--repair", stdout=out)
    return " ".join(out.getvalue().split())
