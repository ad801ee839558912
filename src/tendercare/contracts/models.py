"""The contract register: what is bought, from whom, by whom, for how much and until when."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from tendercare.organisations.models import Organisation


class ServiceGroup(models.TextChoices):
    ADULT_COMMUNITY_NURSING = "adult_community_nursing", "Adult community nursing"
    THERAPY = "therapy", "Therapy"
    HOME_CARE = "home_care", "Home care"
    CHILDREN_COMMUNITY = "children_community", "Children's community services"
    SPECIALIST_COMMUNITY = "specialist_community", "Specialist community services"
    INTERMEDIATE_CARE = "intermediate_care", "Intermediate care and reablement"
    OTHER = "other", "Other"


class ServiceLine(models.Model):
    name = models.CharField(max_length=200, unique=True)
    group = models.CharField(
        max_length=40, choices=ServiceGroup.choices, default=ServiceGroup.OTHER
    )

    class Meta:
        ordering = ["group", "name"]

    def __str__(self):
        return self.name


class ProcurementRoute(models.TextChoices):
    # Procurement Act 2023 (from 24 February 2025) and Public Contracts Regulations 2015 before it
    OPEN = "open", "Open procedure"
    COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"
    LIGHT_TOUCH = "light_touch", "Light-touch regime"
    FRAMEWORK_CALL_OFF = "framework_call_off", "Call-off from a framework"
    DIRECT_AWARD = "direct_award", "Direct award (Procurement Act 2023)"
    # Provider Selection Regime 2023 (healthcare services, from 1 January 2024)
    PSR_DIRECT_A = "psr_direct_a", "PSR direct award process A"
    PSR_DIRECT_B = "psr_direct_b", "PSR direct award process B"
    PSR_DIRECT_C = "psr_direct_c", "PSR direct award process C"
    PSR_MOST_SUITABLE = "psr_most_suitable", "PSR most suitable provider process"
    PSR_COMPETITIVE = "psr_competitive", "PSR competitive process"
    # Older arrangements that were never competed, e.g. block contracts rolled forward
    NHS_STANDARD_ROLLOVER = "rollover", "Rolled over without competition"
    GRANT = "grant", "Grant agreement"


# Routes in which providers competed: the ones that answer "competed within N years?".
COMPETITIVE_ROUTES = frozenset(
    {
        ProcurementRoute.OPEN,
        ProcurementRoute.COMPETITIVE_FLEXIBLE,
        ProcurementRoute.LIGHT_TOUCH,
        ProcurementRoute.FRAMEWORK_CALL_OFF,
        ProcurementRoute.PSR_COMPETITIVE,
    }
)


class ContractStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    EXTENDED = "extended", "Extended"
    RECOMMISSIONING = "recommissioning", "Being recommissioned"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Contract(models.Model):
    reference = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=300)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_provided"
    )
    service = models.ForeignKey(ServiceLine, on_delete=models.PROTECT, related_name="contracts")
    annual_value = models.DecimalField(max_digits=14, decimal_places=2)
    whole_life_value = models.DecimalField(max_digits=16, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField()
    extension_months = models.PositiveIntegerField(default=0)
    procurement_route = models.CharField(max_length=30, choices=ProcurementRoute.choices)
    # When providers last competed for this service; empty if never.
    last_competed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["end_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_value__gte=0), name="contract_value_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"


class ContractCommissioner(models.Model):
    """A commissioner's share of a contract (joint commissioning by a council and the NHS)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contract_shares"
    )
    share_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("100"))

    class Meta:
        ordering = ["-share_percent", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"], name="one_share_per_commissioner"
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__gt=0) & models.Q(share_percent__lte=100),
                name="share_between_0_and_100",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.share_percent}% of {self.contract.reference}"


class ContractVariation(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="variations")
    effective_on = models.DateField()
    annual_value_change = models.DecimalField(max_digits=14, decimal_places=2)
    # The change to whole-life value: the annual change over the months left from effective_on.
    whole_life_value_change = models.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0")
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self):
        return f"Variation to {self.contract.reference} from {self.effective_on}"


class Novation(models.Model):
    """A contract passing from one commissioner to another (for example on a merger)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="novations")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self):
        return f"{self.contract.reference}: {self.from_organisation} to {self.to_organisation}"


class Baseline(models.Model):
    """Due-diligence baseline before re-procurement: what the service costs and does today."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="baseline")
    annual_cost = models.DecimalField(max_digits=14, decimal_places=2)
    activity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    activity_unit = models.CharField(max_length=100, blank=True)  # "contacts a year", "hours"
    service_model_notes = models.TextField(blank=True)
    recorded_on = models.DateField()

    def __str__(self):
        return f"Baseline for {self.contract.reference}"


class ContractImport(models.Model):
    """One run of the register import: the audit log's import rows point back to it."""

    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"Import of {self.filename} ({self.rows} rows)"
