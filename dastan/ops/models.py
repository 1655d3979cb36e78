"""One row per scheduled job: when it runs next, who holds it, how its last run went."""

from __future__ import annotations

from django.db import models


class JobState(models.Model):
    """The state of one job of the schedule table, shared by every worker.

    A worker claims a due job by a conditional update of its row (``locked_until`` empty or
    past), which one statement decides on SQLite and PostgreSQL alike, so two workers never
    run the same job at once. The next run time lives here too, so a retry outlives a restart.
    """

    name = models.CharField(max_length=100, primary_key=True)
    due_at = models.DateTimeField(help_text="When the job runs next (its schedule, or a retry).")
    attempts = models.PositiveIntegerField(default=0, help_text="Failures in a row.")
    locked_by = models.CharField(max_length=200, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return self.name
