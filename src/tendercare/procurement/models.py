"""A procurement: the route chosen and why, its lots and requirements, its evaluation model,
its notices and the state it is in. Bids, evaluation and award live in their own apps."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation

PRICING_BANDS = [
    ("urban", "Urban"),
    ("fringe", "Fringe"),
    ("rural", "Rural"),
    ("isolated", "Isolated"),
]


class Regime(models.TextChoices):
    PROCUREMENT_ACT = "pa2023", "Procurement Act 2023"
    PROVIDER_SELECTION = "psr2023", "Provider Selection Regime 2023"


class Route(models.TextChoices):
    # Procurement Act 2023
    OPEN = "open", "Open procedure"
    COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"
    DIRECT_AWARD = "direct_award", "Direct award"
    # Provider Selection Regime 2023
    PSR_DIRECT_A = "psr_direct_a", "Direct award process A"
    PSR_DIRECT_B = "psr_direct_b", "Direct award process B"
    PSR_DIRECT_C = "psr_direct_c", "Direct award process C"
    PSR_MOST_SUITABLE = "psr_most_suitable", "Most suitable provider process"
    PSR_COMPETITIVE = "psr_competitive", "Competitive process"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    ROUTE_DECIDED = "route_decided", "Route decided"
    PUBLISHED = "published", "Open for bids"
    DIALOGUE = "dialogue", "Dialogue or negotiation"
    BIDS_CLOSED = "bids_closed", "Bids closed"
    EVALUATION = "evaluation", "Evaluation"
    MODERATION = "moderation", "Moderation"
    INTENTION_TO_AWARD = "intention_to_award", "Intention to award (standstill)"
    AWARDED = "awarded", "Awarded"
    CONTRACTED = "contracted", "Contracts in the register"
    CANCELLED = "cancelled", "Cancelled"


class PriceFormula(models.TextChoices):
    RELATIVE_TO_LOWEST = "relative_to_lowest", "Relative to the lowest price (max x lowest / bid)"
    LINEAR_DIFFERENTIAL = "linear_differential", "Linear differential"
    BENCHMARK = "benchmark", "Benchmark between a ceiling and a floor"


class Procurement(models.Model):
    reference = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="procurements")
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procurements",
    )
    replaces = models.ManyToManyField(
        "contracts.Contract", blank=True, related_name="replaced_by_procurements"
    )
    service = models.ForeignKey(
        "contracts.ServiceLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    estimated_value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    regime = models.CharField(max_length=10, choices=Regime.choices, blank=True)
    route = models.CharField(max_length=30, choices=Route.choices, blank=True)
    light_touch = models.BooleanField(default=False)
    state = models.CharField(max_length=30, choices=State.choices, default=State.DRAFT)
    # Competitive flexible procedure: the stage reached, e.g. "selection", "dialogue round 1"
    stage = models.CharField(max_length=100, blank=True)
    clarification_deadline = models.DateTimeField(null=True, blank=True)
    bid_deadline = models.DateTimeField(null=True, blank=True)
    price_formula = models.CharField(
        max_length=30, choices=PriceFormula.choices, default=PriceFormula.RELATIVE_TO_LOWEST
    )
    price_ceiling = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    price_floor = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # Abnormally low tenders: this far below the mean of the others, or below the next lowest
    abnormally_low_mean_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("40")
    )
    abnormally_low_next_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("30")
    )
    tie_break = models.CharField(
        max_length=200,
        default="Higher quality score, then lower evaluated price, then earlier submission",
    )
    supplementary_per_lot = models.PositiveSmallIntegerField(default=2)
    quality_locked_at = models.DateTimeField(null=True, blank=True)
    standstill_starts = models.DateField(null=True, blank=True)
    standstill_ends = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "reference"]

    def __str__(self):
        return f"{self.reference} {self.title}"


class RouteDecision(models.Model):
    """The route advisor's answers, its recommendation and what was decided, and why."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="route_decisions"
    )
    answers = models.JSONField(default=dict)
    recommended_route = models.CharField(max_length=30, choices=Route.choices)
    chosen_route = models.CharField(max_length=30, choices=Route.choices)
    explanation = models.TextField()
    rationale = models.TextField(blank=True)  # why the chosen route, if not the recommended one
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.procurement.reference}: {self.get_chosen_route_display()}"


class StateChange(models.Model):
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="state_changes"
    )
    from_state = models.CharField(max_length=30, choices=State.choices)
    to_state = models.CharField(max_length=30, choices=State.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state} to {self.to_state}"


class Notice(models.Model):
    """A published notice: UK1-UK12 under the Procurement Act, or the Regime's notices."""

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="notices")
    code = models.CharField(max_length=30)  # "UK4", "UK6", "psr_intention", "psr_award"
    title = models.CharField(max_length=200)
    published_at = models.DateTimeField()
    body = models.JSONField(default=dict)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"{self.code} {self.title}"


class Lot(models.Model):
    class Kind(models.TextChoices):
        ZONE = "zone", "Geographical zone"
        SERVICE_LINE = "service_line", "Service line"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ZONE)
    locality = models.ForeignKey(
        "geography.Locality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "contracts.ServiceLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_scope = models.TextField(blank=True)
    excluded = models.TextField(blank=True)
    annual_value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    # Price schedules per pricing band: hourly rates weighted by expected hours per band.
    priced_by_band = models.BooleanField(default=False)

    class Meta:
        ordering = ["procurement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "number"], name="lot_number_unique")
        ]

    def __str__(self):
        return f"Lot {self.number}: {self.title}"


class LotBandVolume(models.Model):
    """Expected hours a year in each pricing band; they weight banded hourly rates into one
    evaluated price."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="band_volumes")
    band = models.CharField(max_length=10, choices=PRICING_BANDS)
    hours = models.DecimalField(max_digits=12, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lot", "band"], name="lot_band_unique")]

    def __str__(self):
        return f"{self.lot} {self.band}: {self.hours} hours"


class Requirement(models.Model):
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="requirements"
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    code = models.CharField(max_length=20)  # "R1"
    title = models.CharField(max_length=200)  # "Single point of access"
    text = models.TextField()

    class Meta:
        ordering = ["procurement", "code"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "code"], name="requirement_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Criterion(models.Model):
    """A node of the evaluation model. Top-level weights add up to 100; a node's children add
    up to its weight. Questions hang from the leaves."""

    class Kind(models.TextChoices):
        QUALITY = "quality", "Quality"
        PRICE = "price", "Price"
        SOCIAL_VALUE = "social_value", "Social value"
        PASS_FAIL = "pass_fail", "Pass or fail"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    order = models.PositiveSmallIntegerField(default=0)
    # PSR key criterion this answers to, e.g. "quality_innovation" (see procurement/routes.py)
    psr_key_criterion = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["procurement", "order", "id"]

    def __str__(self):
        return self.name


class Question(models.Model):
    class Scale(models.TextChoices):
        ZERO_TO_FIVE = "0-5", "0 to 5"
        ZERO_TO_HUNDRED = "0-100", "0 to 100"
        PASS_FAIL = "pass_fail", "Pass or fail"

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="questions")
    number = models.CharField(max_length=20)  # "Q3.2"
    text = models.TextField()
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.ZERO_TO_FIVE)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    minimum_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="questions")
    lots = models.ManyToManyField(Lot, blank=True, related_name="questions")  # empty = every lot

    class Meta:
        ordering = ["criterion__order", "number"]

    def __str__(self):
        return f"{self.number} {self.text[:60]}"


class OfferInvitation(models.Model):
    """A provider invited to make an offer on a direct route (Act direct award, PSR direct award
    A, B or C, most suitable provider): only invited providers may bid."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="offer_invitations"
    )
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procurement", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "provider"], name="offer_invitation_unique"
            )
        ]

    def __str__(self):
        return f"{self.procurement.reference}: {self.provider}"
