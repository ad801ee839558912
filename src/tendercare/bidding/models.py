"""Providers' side of a procurement: interest, clarification questions, sealed bids."""

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation
from tendercare.procurement.models import PRICING_BANDS, Lot, Procurement


class Interest(models.Model):
    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="interests")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="interests")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["procurement", "provider"], name="one_interest_each")
        ]

    def __str__(self):
        return f"{self.provider} interested in {self.procurement.reference}"


class Clarification(models.Model):
    """A bidder's question. Published answers go to every bidder without saying who asked."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="clarifications"
    )
    asked_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.TextField()
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self):
        return f"Clarification {self.pk} on {self.procurement.reference}"


class Bid(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXCLUDED = "excluded", "Excluded"

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Quality answers, keyed by question id: {"12": "Our single point of access ..."}
    answers = models.JSONField(default=dict, blank=True)
    excluded_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lot", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "provider"], name="one_bid_per_lot_each")
        ]

    def __str__(self):
        return f"Bid by {self.provider} for {self.lot}"


class PriceLine(models.Model):
    """A bid's price: one total, or an hourly rate per pricing band."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="prices")
    band = models.CharField(max_length=10, choices=[("total", "Total"), *PRICING_BANDS])
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "band"], name="one_price_per_band")]

    def __str__(self):
        return f"{self.get_band_display()} {self.amount}"


class BidDocument(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="bids/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.filename
