"""Evaluation: who scores what, their declarations, their scores, moderation, price checks."""

from django.conf import settings
from django.db import models

from tendercare.bidding.models import Bid
from tendercare.organisations.models import Organisation
from tendercare.procurement.models import Procurement, Question


class Assignment(models.Model):
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="assignments"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "evaluator"], name="assign_once")
        ]

    def __str__(self):
        return f"{self.evaluator} scores {self.question.number}"


class Declaration(models.Model):
    """An evaluator's declaration of interests for one procurement, made before any access."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="declarations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    no_conflicts = models.BooleanField(default=False)
    statement = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["procurement", "evaluator"], name="declare_once")
        ]

    def __str__(self):
        return f"Declaration by {self.evaluator} for {self.procurement.reference}"


class Conflict(models.Model):
    """A declared conflict with one bidder: the evaluator never sees that bidder's bids."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="conflicts")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()

    def __str__(self):
        return f"Conflict with {self.provider}"


class Score(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="scores")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(max_digits=6, decimal_places=2)
    rationale = models.TextField()
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "question", "evaluator"], name="score_once")
        ]

    def __str__(self):
        return f"{self.question.number} for bid {self.bid_id}: {self.score}"


class ModeratedScore(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.TextField()
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "question"], name="moderate_once")]

    def __str__(self):
        return f"Moderated {self.question.number} for bid {self.bid_id}: {self.score}"


class PriceClarification(models.Model):
    """An abnormally low tender's explanation, recorded before any award decision."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Explanation accepted"
        REJECTED = "rejected", "Explanation rejected: bid excluded"

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="price_clarification")
    explanation = models.TextField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Price clarification for bid {self.bid_id}"
