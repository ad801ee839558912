"""Scrutiny: health scrutiny committees, their meetings and agenda items (linked to
programmes), decisions (including whether a proposal is a substantial development or variation
of the health service), actions, declarations of interest, a work programme of future items,
and the reports the committee is sent (HTML and PDF, snapshotted when published)."""

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation


class Committee(models.Model):
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(max_length=200)
    remit = models.TextField(blank=True)
    # A joint committee scrutinises for more than one council (e.g. an ICB's footprint).
    joint = models.BooleanField(default=False)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="committee_name_unique")
        ]

    def __str__(self):
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        CO_OPTED = "co_opted", "Co-opted member"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["committee", "role", "name"]

    def __str__(self):
        return self.name


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.committee} {self.starts_at:%d %B %Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    report = models.ForeignKey(
        "scrutiny.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class CommitteeDecision(models.Model):
    class Kind(models.TextChoices):
        NOTED = "noted", "Noted"
        SUBSTANTIAL_VARIATION = (
            "substantial_variation",
            "Determined whether the proposal is a substantial development or variation",
        )
        REFERRED = "referred", "Referred"
        RECOMMENDATION = "recommendation", "Recommendation made"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField()
    # Only for a substantial variation determination: the answer and the reasons.
    is_substantial = models.BooleanField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    referred_to = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField()

    class Meta:
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="substantial_variation")
                | (models.Q(is_substantial__isnull=False) & ~models.Q(reasons="")),
                name="substantial_variation_has_answer_and_reasons",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="referred") | ~models.Q(referred_to=""),
                name="referral_names_where",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scrutiny_actions",
    )
    description = models.TextField()
    owner_name = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    update = models.TextField(blank=True, help_text="The latest update for the committee")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(completed_on__isnull=False),
                name="done_action_has_completion_date",
            )
        ]

    def __str__(self):
        return self.description[:80]


class Declaration(models.Model):
    class Kind(models.TextChoices):
        PECUNIARY = "pecuniary", "Disclosable pecuniary interest"
        REGISTRABLE = "registrable", "Other registrable interest"
        NON_REGISTRABLE = "non_registrable", "Non-registrable interest"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="declarations")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    interest = models.TextField()
    left_the_room = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self):
        return f"{self.member}: {self.get_kind_display()}"


class WorkProgrammeItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SCHEDULED = "scheduled", "On an agenda"
        DONE = "done", "Considered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="work_programme"
    )
    title = models.CharField(max_length=300)
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_programme_items",
    )
    planned_for = models.DateField(help_text="The meeting month it is planned for")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="planned_items"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["planned_for", "pk"]

    def __str__(self):
        return self.title


class Report(models.Model):
    """A committee update (or an engagement briefing note) for a programme. A draft is rendered
    from the live data; publishing keeps the HTML and PDF as they were, so that what the
    committee and the public read does not change afterwards."""

    class Kind(models.TextChoices):
        COMMITTEE_UPDATE = "committee_update", "Committee update"
        ENGAGEMENT_BRIEFING = "engagement_briefing", "Engagement briefing note"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="scrutiny_reports"
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    as_of = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    html = models.TextField(blank=True)  # the published snapshot (disclosure-controlled)
    pdf = models.FileField(upload_to="reports/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-pk"]

    def __str__(self):
        return self.title
