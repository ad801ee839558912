"""Engagement: activities, who took part (counts by group), survey imports, the population a
programme's reach is measured against, feedback with its themes, and what changed because of it
("you said, we did")."""

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation

from .groups import DIMENSION_CHOICES


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    PUBLIC_MEETING = "public_meeting", "Public meeting"
    FORUM = "forum", "Forum"
    SURVEY = "survey", "Survey"
    ONLINE = "online", "Online event"
    FOCUS_GROUP = "focus_group", "Focus group"


class Channel(models.TextChoices):
    DIGITAL = "digital", "Digital"
    IN_PERSON = "in_person", "In person"


class Activity(models.Model):
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="engagement_activities"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_activities",
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="For a survey: when it closes")
    place = models.CharField(max_length=200, blank=True, help_text="Venue, or the web address")
    organiser = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # Shown on the public pages (with disclosure control) once published.
    published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class Participation(models.Model):
    """How many people in one group took part in an activity: one row per (dimension, group).
    Every dimension's counts add up to the activity's participants (docs/engagement.md)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participation")
    dimension = models.CharField(max_length=30, choices=DIMENSION_CHOICES)
    group = models.CharField(max_length=30)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["activity", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "dimension", "group"], name="participation_one_row_per_group"
            )
        ]

    def __str__(self):
        return f"{self.dimension} {self.group}: {self.count}"


class SurveyImport(models.Model):
    class Status(models.TextChoices):
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[row, column, message], ...]
    error_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return self.filename


class CensusPopulation(models.Model):
    """Usual residents of a local authority by group, for the dimensions the LSOA tables do not
    give (sex, ethnic group, disability, unpaid care): loaded from an ONS Census 2021 table
    (`tendercare load census`), with its source."""

    place = models.ForeignKey(
        "geography.Place", on_delete=models.CASCADE, related_name="census_populations"
    )
    dimension = models.CharField(max_length=30, choices=DIMENSION_CHOICES)
    group = models.CharField(max_length=30)
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["place", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "dimension", "group"], name="census_population_one_row"
            )
        ]

    def __str__(self):
        return f"{self.place_id} {self.dimension} {self.group}: {self.count}"


class Theme(models.Model):
    """A theme feedback is tagged with, kept per organisation so that themes recur across
    programmes. Keywords suggest it for new feedback; a person confirms."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="themes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    keywords = models.TextField(blank=True, help_text="Words or phrases, one per line")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="theme_name_unique_per_owner")
        ]

    def __str__(self):
        return self.name


class FeedbackItem(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField()
    received_on = models.DateField()
    # Confirmed by a person; suggestions are computed from the text and shown until confirmed.
    themes = models.ManyToManyField(Theme, blank=True, related_name="feedback")
    themes_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    themes_confirmed_at = models.DateTimeField(null=True, blank=True)
    survey_import = models.ForeignKey(
        SurveyImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self):
        return self.text[:80]


class Change(models.Model):
    """We did: what changed because of feedback, linked to where the change lives (a
    requirement in a specification, a KPI in a contract's schedule, or a programme decision)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="changes"
    )
    you_said = models.TextField(help_text="What people told us, in a sentence or two")
    we_did = models.TextField()
    feedback = models.ManyToManyField(FeedbackItem, blank=True, related_name="changes")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    requirement = models.ForeignKey(
        "procurement.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_changes",
    )
    kpi_schedule = models.ForeignKey(
        "performance.KpiSchedule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_changes",
    )
    decision = models.ForeignKey(
        "programmes.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_changes",
    )
    published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requirement__isnull=False)
                | models.Q(kpi_schedule__isnull=False)
                | models.Q(decision__isnull=False),
                name="change_linked_to_what_changed",
            )
        ]

    def __str__(self):
        return self.we_did[:80]
