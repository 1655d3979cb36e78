"""Every official rate ever fetched, and every correction a bank made to one."""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class RateObservation(models.Model):
    """``rate`` units of ``quote`` buy ``nominal`` units of ``currency``, as a source set it.

    One row per currency, quote, date and source: fetching again changes nothing, and a
    bank's correction updates the row and leaves a ``RateCorrection``.
    """

    currency = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    # Banks publish at most 4 decimals, the aggregator 6; 10 leaves room.
    rate = models.DecimalField(max_digits=24, decimal_places=10)
    nominal = models.PositiveIntegerField(default=1)
    rate_date = models.DateField(help_text="The date the source set this rate for.")
    source = models.CharField(max_length=20)
    change = models.DecimalField(
        max_digits=24,
        decimal_places=10,
        null=True,
        blank=True,
        help_text="The source's own absolute change per nominal units, if it publishes one.",
    )
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["currency", "quote", "source", "-rate_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "quote", "rate_date", "source"], name="rates_one_per_day"
            )
        ]
        indexes = [models.Index(fields=["quote", "currency", "source", "-rate_date"])]

    def __str__(self) -> str:
        rate = f"{self.rate.normalize():f} {self.quote}"
        return f"{self.nominal} {self.currency} = {rate} ({self.source}, {self.rate_date})"

    @property
    def per_unit(self) -> Decimal:
        """Return ``quote`` units for one unit of ``currency``."""
        return self.rate / self.nominal

    @property
    def inverse(self) -> Decimal:
        """Return ``currency`` units for one unit of ``quote``."""
        return self.nominal / self.rate


class RateCorrection(models.Model):
    """A source republished a rate with a different value: the old one is kept here."""

    observation = models.ForeignKey(
        RateObservation, on_delete=models.CASCADE, related_name="corrections"
    )
    old_rate = models.DecimalField(max_digits=24, decimal_places=10)
    old_nominal = models.PositiveIntegerField()
    new_rate = models.DecimalField(max_digits=24, decimal_places=10)
    new_nominal = models.PositiveIntegerField()
    corrected_at = models.DateTimeField()

    class Meta:
        ordering = ["-corrected_at"]

    def __str__(self) -> str:
        return f"{self.observation}: was {self.old_rate.normalize():f} per {self.old_nominal}"
