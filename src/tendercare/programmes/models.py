"""Re-procurement programmes: contracts in scope, milestones and their revisions, risks,
decisions and lessons."""

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation

from . import schedule


class ProgrammeStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed"


class AgesServed(models.IntegerChoices):
    """The youngest age a programme's services are for. Each is the lower bound of one of the
    Census age bands engagement reach counts by (engagement/groups.py: 15 and under, 16 to 24,
    ..., 65 and over), so that reach can leave out exactly the bands below it. There is no
    "18 and over": 16 to 24 is one band in the population figures, so adult services choose
    16 and over (which also counts 16- and 17-year-olds)."""

    ALL_AGES = 0, "All ages"
    FROM_16 = 16, "16 and over (adults)"
    FROM_65 = 65, "65 and over"


class Programme(models.Model):
    name = models.CharField(max_length=200)
    # A short public reference, e.g. MED-HC-2026 (`tendercare report scrutiny REF`).
    ref = models.CharField(max_length=40, unique=True, null=True, blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNING
    )
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    contracts = models.ManyToManyField("contracts.Contract", blank=True, related_name="programmes")
    # The local authority areas the services serve: engagement reach is measured against their
    # population (Census 2021).
    places = models.ManyToManyField("geography.Place", blank=True, related_name="programmes")
    # The youngest age the services are for: engagement reach compares participants by age
    # with residents of these ages only (set from the reach page, engagement.services).
    youngest_age_served = models.PositiveSmallIntegerField(
        choices=AgesServed.choices, default=AgesServed.ALL_AGES
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="programme_name_unique_per_owner"
            ),
            models.CheckConstraint(
                condition=models.Q(target_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(target_date__gte=models.F("start_date")),
                name="programme_target_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Milestone(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    baseline_date = models.DateField()
    # Denormalised from the latest revision (or the baseline if never revised), for sorting
    # and for the table; only services.milestone_revise changes it.
    current_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )

    class Meta:
        ordering = ["order", "baseline_date", "id"]

    def __str__(self):
        return f"{self.name} ({self.programme})"

    @property
    def slip(self) -> schedule.Slip:
        return schedule.slip(self.baseline_date, self.current_date)


class RevisionIsPermanent(Exception):
    pass


class MilestoneRevision(models.Model):
    """A change to a milestone's date. Written once by services.milestone_revise; never
    edited or deleted, so the story of a slipping programme cannot be rewritten."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="revisions")
    previous_date = models.DateField()
    new_date = models.DateField()
    reason = models.TextField()
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revised_by_label = models.CharField(max_length=200, blank=True)
    revised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="milestone_revision_has_reason"
            )
        ]

    def __str__(self):
        return f"{self.milestone.name}: {self.previous_date} to {self.new_date}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RevisionIsPermanent("A milestone revision cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RevisionIsPermanent("A milestone revision cannot be deleted")

    @property
    def days(self) -> int:
        return (self.new_date - self.previous_date).days


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Being mitigated"
    CLOSED = "closed", "Closed"


SCALE = [(n, f"{n} {schedule.LIKELIHOOD_LABELS[n]}") for n in range(1, 6)]
IMPACT_SCALE = [(n, f"{n} {schedule.IMPACT_LABELS[n]}") for n in range(1, 6)]


class Risk(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(choices=SCALE)
    impact = models.PositiveSmallIntegerField(choices=IMPACT_SCALE)
    # The owner is a person: a user of Tendercare if they have an account, else a name and role.
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_risks",
    )
    owner_name = models.CharField(max_length=200, blank=True)
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "-likelihood", "-impact", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5)
                & models.Q(impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def score(self) -> int:
        return schedule.risk_score(self.likelihood, self.impact)

    @property
    def rating(self) -> tuple[str, str]:
        return schedule.risk_rating(self.score)

    @property
    def owner_display(self) -> str:
        if self.owner_user_id:
            return str(self.owner_user)
        return self.owner_name


class RiskReview(models.Model):
    """One change to a risk's score, status or mitigation, with who, when and why."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=RiskStatus.choices)
    previous_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_status = models.CharField(max_length=20, choices=RiskStatus.choices, blank=True)
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_at", "id"]

    def __str__(self):
        return f"Review of {self.risk} at {self.reviewed_at:%Y-%m-%d %H:%M}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def previous_score(self) -> int | None:
        if self.previous_likelihood is None or self.previous_impact is None:
            return None
        return self.previous_likelihood * self.previous_impact


class Decision(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(max_length=300)
    decision = models.TextField()
    decided_on = models.DateField()
    # A body ("Joint Commissioning Board") or a person ("Director of Adult Social Care").
    decided_by = models.CharField(max_length=200)
    rationale = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=300)
    what_happened = models.TextField()
    recommendation = models.TextField()
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self):
        return self.title
