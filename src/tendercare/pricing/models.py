"""Pricing: cost-of-care scenarios (versioned), travel runs built from visit patterns,
commissioned hours for budget impact, and providers' open-book cost submissions.

The arithmetic lives in cost_model.py (pure); these tables only hold inputs and results.
"""

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation

BANDS = [
    ("urban", "Urban"),
    ("fringe", "Fringe"),
    ("rural", "Rural"),
    ("isolated", "Isolated"),
]
BAND_OR_ALL = [("", "All bands"), *BANDS]


class Scenario(models.Model):
    """A named cost-of-care model. Its parameters live in versions; the newest is current."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="scenarios")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The scenario whose travel by band the owner's visit KPIs (travel_vs_model) are measured
    # against; at most one per owner. With none chosen, monitoring uses the newest.
    used_for_monitoring = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="scenario_name_unique"),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(used_for_monitoring=True),
                name="one_monitoring_scenario_per_owner",
            ),
        ]

    def __str__(self):
        return self.name


class ScenarioVersion(models.Model):
    """One frozen set of parameter values. Changing a value makes a new version with a reason;
    old versions never change, so any two can be compared."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scenario", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "number"], name="scenario_version_unique")
        ]

    def __str__(self):
        return f"{self.scenario} v{self.number}"


class Parameter(models.Model):
    """A named value with its unit, source and the date of that source. band "" applies to
    every band unless a band has its own row."""

    version = models.ForeignKey(ScenarioVersion, on_delete=models.CASCADE, related_name="params")
    key = models.CharField(max_length=40)
    band = models.CharField(max_length=10, choices=BAND_OR_ALL, blank=True, default="")
    value = models.DecimalField(max_digits=12, decimal_places=4)
    unit = models.CharField(max_length=60)
    source = models.CharField(max_length=300)
    source_date = models.DateField()

    class Meta:
        ordering = ["version", "key", "band"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key", "band"], name="parameter_unique_per_version"
            )
        ]

    def __str__(self):
        return f"{self.key}{'/' + self.band if self.band else ''} = {self.value} {self.unit}"


class TravelRun(models.Model):
    """Carer runs built with PyVRP for one zone's week of visits, and the travel they imply."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Matrix(models.TextChoices):
        STRAIGHT_LINE = "straight_line", "Straight-line distance x detour factor, speed by band"
        IMPORTED = "imported", "Imported travel-time matrix"

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="travel_runs")
    zone = models.CharField(max_length=200)
    week_start = models.DateField()
    matrix = models.CharField(max_length=20, choices=Matrix.choices, default=Matrix.STRAIGHT_LINE)
    detour_factor = models.DecimalField(max_digits=5, decimal_places=2, default=1.3)
    # Speed in miles per hour by band, e.g. {"urban": 15, "rural": 30}.
    speeds = models.JSONField(default=dict)
    seconds_per_day = models.PositiveIntegerField(default=5)
    # Rows of an imported matrix: [from_lsoa, to_lsoa, minutes, miles]; empty for straight line.
    imported_matrix = models.JSONField(default=list, blank=True)
    # The independent check of every day's plan: None until run, then passed or not.
    feasible = models.BooleanField(null=True, blank=True)
    unserved = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.zone} week of {self.week_start:%d %b %Y}"


class TravelVisit(models.Model):
    """One planned visit in the zone's week. Double-ups need two carers at once; high-dependency
    visits need a skilled carer."""

    run = models.ForeignKey(TravelRun, on_delete=models.CASCADE, related_name="visits")
    ref = models.CharField(max_length=60)
    lsoa_code = models.CharField(max_length=9)
    band = models.CharField(max_length=10, choices=BANDS)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    double_up = models.BooleanField(default=False)
    high_dependency = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "window_start", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["run", "ref"], name="travel_visit_ref_unique")
        ]

    def __str__(self):
        return f"Visit {self.ref}"


class TravelCarer(models.Model):
    run = models.ForeignKey(TravelRun, on_delete=models.CASCADE, related_name="carers")
    ref = models.CharField(max_length=60)
    start_lsoa_code = models.CharField(max_length=9)
    shift_start = models.DateTimeField()
    shift_end = models.DateTimeField()
    skilled = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "ref", "shift_start"]

    def __str__(self):
        return f"Carer {self.ref}"


class TravelStop(models.Model):
    """One visit (or one carer's half of a double-up) on a carer's run."""

    carer = models.ForeignKey(TravelCarer, on_delete=models.CASCADE, related_name="stops")
    visit = models.ForeignKey(TravelVisit, on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    travel_minutes = models.DecimalField(max_digits=8, decimal_places=2)
    travel_miles = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["carer", "sequence"]

    def __str__(self):
        return f"{self.carer} stop {self.sequence}"


class TravelBandResult(models.Model):
    """What a run measured for a band: the figures that feed the cost model."""

    run = models.ForeignKey(TravelRun, on_delete=models.CASCADE, related_name="band_results")
    band = models.CharField(max_length=10, choices=BANDS)
    visits = models.PositiveIntegerField()
    contact_hours = models.DecimalField(max_digits=10, decimal_places=2)
    travel_minutes = models.DecimalField(max_digits=12, decimal_places=2)
    travel_miles = models.DecimalField(max_digits=12, decimal_places=2)
    average_visit_minutes = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["run", "band"]
        constraints = [
            models.UniqueConstraint(fields=["run", "band"], name="travel_band_result_unique")
        ]

    def __str__(self):
        return f"{self.run} {self.band}"

    @property
    def minutes_per_contact_hour(self):
        return self.travel_minutes / self.contact_hours if self.contact_hours else 0

    @property
    def miles_per_contact_hour(self):
        return self.travel_miles / self.contact_hours if self.contact_hours else 0


class CommissionedHours(models.Model):
    """Hours a year commissioned in one locality or zone and band, and what they cost now."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commissioned_hours"
    )
    year = models.PositiveIntegerField(help_text="Financial year starting April of this year")
    locality = models.ForeignKey(
        "geography.Locality", on_delete=models.PROTECT, null=True, blank=True
    )
    zone = models.CharField(max_length=200, blank=True)
    band = models.CharField(max_length=10, choices=BANDS)
    hours = models.DecimalField(max_digits=12, decimal_places=1)
    current_spend = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["owner", "year", "zone", "band"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "locality", "zone", "band"],
                name="commissioned_hours_unique",
            )
        ]

    def __str__(self):
        return f"{self.zone or self.locality} {self.band} {self.year}: {self.hours} hours"


class CostSubmission(models.Model):
    """A provider's open-book costs: from a bid or an annual return."""

    class Source(models.TextChoices):
        BID = "bid", "Bid"
        ANNUAL_RETURN = "annual_return", "Annual return"

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cost_submissions"
    )
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cost_submissions_received"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    bid = models.ForeignKey(
        "bidding.Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="cost_books"
    )
    year = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.provider} {self.get_source_display()} {self.year}"


class CostLine(models.Model):
    """One line of a submission, keyed like the cost model's lines and parameters."""

    submission = models.ForeignKey(CostSubmission, on_delete=models.CASCADE, related_name="lines")
    band = models.CharField(max_length=10, choices=BAND_OR_ALL, blank=True, default="")
    key = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["submission", "band", "key"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "band", "key"], name="cost_line_unique")
        ]

    def __str__(self):
        return f"{self.key} {self.band} {self.value}"
