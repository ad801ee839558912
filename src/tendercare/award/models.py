"""Award: who wins each lot (prime and supplementary providers), standstill, representations,
and the contracts that result."""

from django.conf import settings
from django.db import models

from tendercare.bidding.models import Bid
from tendercare.organisations.models import Organisation
from tendercare.procurement.models import Lot, Procurement


class Award(models.Model):
    class Role(models.TextChoices):
        SOLE = "sole", "Sole provider"
        PRIME = "prime", "Prime provider"
        SUPPLEMENTARY = "supplementary", "Supplementary provider"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Intention to award"
        CONFIRMED = "confirmed", "Awarded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="awards")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award")
    role = models.CharField(max_length=20, choices=Role.choices)
    rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    contract = models.OneToOneField(
        "contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="award"
    )

    class Meta:
        ordering = ["lot", "rank"]
        constraints = [models.UniqueConstraint(fields=["lot", "rank"], name="award_rank_unique")]

    def __str__(self):
        return f"{self.get_role_display()} for {self.lot}: {self.bid.provider}"


class Letter(models.Model):
    """An intention-to-award (or unsuccessful) letter with its assessment summary."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="letters")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    successful = models.BooleanField()
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{'Award' if self.successful else 'Outcome'} letter to {self.provider}"


class Representation(models.Model):
    """A bidder's challenge or representation during standstill, and the response."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="representations"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    text = models.TextField()
    response = models.TextField(blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_on = models.DateField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self):
        return f"Representation from {self.provider} on {self.received_on}"
