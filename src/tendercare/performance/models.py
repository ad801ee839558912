"""Monitoring delivery: zones and provider status, visit imports (the visits themselves are
Parquet partitions read with DuckDB, see visit_store.py), KPI schedules and results, payment
rules and monthly statements with disputes, quality evidence and status recommendations.
"""

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation

BANDS = [("urban", "Urban"), ("fringe", "Fringe"), ("rural", "Rural"), ("isolated", "Isolated")]


class Zone(models.Model):
    """An area where home care is delivered, with a prime provider and supplementary ones."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="zones")
    name = models.CharField(max_length=200)
    lot = models.ForeignKey(
        "procurement.Lot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # LSOA 2021 codes in the zone, to place a visit given by postcode or LSOA.
    lsoa_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["owner", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="zone_name_unique")]

    def __str__(self):
        return self.name


class ProviderStatus(models.Model):
    """A provider's status in a zone from a date; the row with no end is the current one."""

    class Status(models.TextChoices):
        PRIME = "prime", "Prime provider"
        SUPPLEMENTARY = "supplementary", "Supplementary provider"
        SUSPENDED = "suspended", "Suspended from new packages"

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="statuses")
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="zone_statuses"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["zone", "provider", "-since"]
        constraints = [
            # A zone has one prime provider at a time (status.py keeps to it; this is the
            # database's backstop).
            models.UniqueConstraint(
                fields=["zone"],
                condition=models.Q(status="prime", until__isnull=True),
                name="one_open_prime_per_zone",
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.get_status_display()} in {self.zone} from {self.since}"


class VisitImport(models.Model):
    """One file of electronic call monitoring records: what was read and what was stored."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Checking and storing"
        DONE = "done", "Stored"
        UNCHANGED = "unchanged", "Already stored: nothing changed"
        FAILED = "failed", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="visit_imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    # Months (YYYY-MM) this import wrote to, so their KPIs can be recomputed.
    months = models.JSONField(default=list, blank=True)
    # Up to the first few hundred errors: [row, column, message].
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class KpiDefinition(models.Model):
    """What a KPI measures. The calculation for visit KPIs is in kpis.py under the same code."""

    class Kind(models.TextChoices):
        VISITS = "visits", "From visit records"
        RETURN = "return", "From a monthly return"

    class Better(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    unit = models.CharField(max_length=40, default="percent")
    better = models.CharField(max_length=10, choices=Better.choices)
    default_target = models.DecimalField(max_digits=10, decimal_places=2)
    default_amber = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class KpiSchedule(models.Model):
    """A contract's KPI: its target, the amber threshold (beyond it is red) and its weight."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="kpi_schedules"
    )
    kpi = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="schedules")
    target = models.DecimalField(max_digits=10, decimal_places=2)
    amber = models.DecimalField(max_digits=10, decimal_places=2)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["contract", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kpi"], name="kpi_schedule_unique")
        ]

    def __str__(self):
        return f"{self.contract} {self.kpi.code}"


class KpiResult(models.Model):
    """A KPI's value for one provider and month: a visit KPI's in one zone (the KPI engine),
    or a community contract's monthly return (no zone: community contracts have none; the
    return it comes from, and its contract, are named instead)."""

    kpi = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="results")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, null=True, blank=True)
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kpi_return = models.OneToOneField(
        "KpiReturn", on_delete=models.CASCADE, null=True, blank=True, related_name="result"
    )
    month = models.DateField(help_text="The first day of the month")
    numerator = models.DecimalField(max_digits=14, decimal_places=2)
    denominator = models.DecimalField(max_digits=14, decimal_places=2)
    value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi", "provider", "zone", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "provider", "zone", "contract", "month"], name="kpi_result_unique"
            ),
            # From visits in a zone, or from a contract's return: never neither, never both.
            models.CheckConstraint(
                condition=models.Q(zone__isnull=False, kpi_return__isnull=True)
                | models.Q(zone__isnull=True, kpi_return__isnull=False, contract__isnull=False),
                name="kpi_result_zone_or_return",
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} {self.provider} {self.month:%Y-%m}: {self.value}"


class KpiReturn(models.Model):
    """A community health contract's monthly figure, entered or imported."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="kpi_returns"
    )
    kpi = models.ForeignKey(KpiDefinition, on_delete=models.PROTECT, related_name="returns")
    month = models.DateField()
    numerator = models.DecimalField(max_digits=14, decimal_places=2)
    denominator = models.DecimalField(max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contract", "kpi", "month"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kpi", "month"], name="kpi_return_unique")
        ]

    def __str__(self):
        return f"{self.contract} {self.kpi.code} {self.month:%Y-%m}"


class PaymentTerms(models.Model):
    """How a contract is paid each month: band rates, commissioned hours and the caps on
    penalties and rewards as a share of the month's value."""

    contract = models.OneToOneField(
        "contracts.Contract", on_delete=models.CASCADE, related_name="payment_terms"
    )
    # {"urban": "24.50", ...}: GBP per contact hour by band.
    rates = models.JSONField(default=dict)
    # {"urban": "1200", ...}: commissioned contact hours a month by band.
    monthly_hours = models.JSONField(default=dict)
    penalty_cap_percent = models.DecimalField(max_digits=5, decimal_places=2, default=5)
    reward_cap_percent = models.DecimalField(max_digits=5, decimal_places=2, default=2)

    def __str__(self):
        return f"Payment terms for {self.contract}"


class PaymentRule(models.Model):
    """A penalty (negative) or reward (positive) percent of the month's value when a KPI is
    rated red, amber, green or exceeds its target."""

    class Rating(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    schedule = models.ForeignKey(KpiSchedule, on_delete=models.CASCADE, related_name="rules")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["schedule", "rating"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "rating"], name="payment_rule_unique")
        ]

    def __str__(self):
        return f"{self.schedule} {self.rating}: {self.percent}%"


class Statement(models.Model):
    """A provider's monthly statement for one contract."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        DISPUTED = "disputed", "Disputed"
        RESOLVED = "resolved", "Dispute resolved"
        ACCEPTED = "accepted", "Accepted"

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="statements"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    commissioned_amount = models.DecimalField(max_digits=14, decimal_places=2)
    delivered_amount = models.DecimalField(max_digits=14, decimal_places=2)
    adjustments_amount = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "contract"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="statement_unique")
        ]

    def __str__(self):
        return f"{self.contract} {self.month:%B %Y}"


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    band = models.CharField(max_length=10, choices=BANDS)
    commissioned_hours = models.DecimalField(max_digits=12, decimal_places=2)
    delivered_hours = models.DecimalField(max_digits=12, decimal_places=2)
    rate = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["statement", "band"]

    def __str__(self):
        return f"{self.statement} {self.band}"


class Adjustment(models.Model):
    """A penalty or reward on a statement, with the KPI result that caused it."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="adjustments")
    kpi_result = models.ForeignKey(KpiResult, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(PaymentRule, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(max_digits=6, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["statement", "amount"]

    def __str__(self):
        return f"{self.statement}: {self.amount} ({self.reason})"


class Dispute(models.Model):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld: adjustment removed"
        REJECTED = "rejected", "Rejected: statement stands"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="disputes")
    adjustment = models.ForeignKey(
        Adjustment, on_delete=models.SET_NULL, null=True, blank=True, related_name="disputes"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self):
        return f"Dispute on {self.statement}"


class QualityAudit(models.Model):
    """The council's own quality audit of a provider: a score out of 100."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    audited_on = models.DateField()
    score = models.DecimalField(max_digits=5, decimal_places=1)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["provider", "-audited_on"]

    def __str__(self):
        return f"{self.provider} audit {self.audited_on}: {self.score}"


class CqcRating(models.Model):
    """The CQC's overall rating of a provider's location, with its source: the CQC report or
    location page it was read from (a cqc.org.uk address) and the date the CQC published the
    report, from which the rating counts (`published_on`). Ratings recorded before sources were
    kept say so in `source` instead of an address."""

    class Rating(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"

    location = models.ForeignKey(
        "organisations.ProviderLocation", on_delete=models.CASCADE, related_name="cqc_ratings"
    )
    rating = models.CharField(max_length=30, choices=Rating.choices)
    published_on = models.DateField("date the CQC published the report")
    source = models.CharField("CQC report or location page", max_length=300)

    class Meta:
        ordering = ["location", "-published_on"]

    def __str__(self):
        return f"{self.location} {self.get_rating_display()} ({self.published_on})"

    @property
    def source_url(self) -> str:
        """The source as a link, or "" when it is a statement rather than an address."""
        return self.source if self.source.startswith(("https://", "http://")) else ""


class QualityScore(models.Model):
    """A provider's rolling quality score in a zone for a month, and what it is made of."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="quality_scores")
    month = models.DateField()
    score = models.DecimalField(max_digits=5, decimal_places=1)
    components = models.JSONField(default=dict)

    class Meta:
        ordering = ["zone", "provider", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "zone", "month"], name="quality_score_unique"
            )
        ]

    def __str__(self):
        return f"{self.provider} {self.zone} {self.month:%Y-%m}: {self.score}"


class StatusRecommendation(models.Model):
    """A recommended move between prime and supplementary status, for a commissioner to
    approve or reject with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="recommendations")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    current = models.CharField(max_length=20, choices=ProviderStatus.Status.choices)
    recommended = models.CharField(max_length=20, choices=ProviderStatus.Status.choices)
    score = models.DecimalField(max_digits=5, decimal_places=1)
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-month", "zone", "provider"]

    def __str__(self):
        return f"{self.provider} {self.current} -> {self.recommended} in {self.zone}"
