"""Commissioners, providers, the people who work for them, and what each person may do."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        CCG = "ccg", "Clinical commissioning group"
        ICB = "icb", "Integrated care board"
        NHS_TRUST = "nhs_trust", "NHS trust"
        INDEPENDENT = "independent", "Independent provider"
        VCSE = "vcse", "Voluntary, community or social enterprise"

    COMMISSIONER_KINDS = (Kind.COUNCIL, Kind.CCG, Kind.ICB)

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ods_code = models.CharField("ODS code", max_length=12, blank=True)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    # Set when this body was merged into another (eight CCGs into one ICB); history is kept.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    merged_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(merged_into__isnull=True) | models.Q(merged_on__isnull=False),
                name="organisation_merger_has_date",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_commissioner(self) -> bool:
        return self.kind in self.COMMISSIONER_KINDS

    @property
    def is_provider(self) -> bool:
        return not self.is_commissioner

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None


class ProviderLocation(models.Model):
    """A registered location of a provider, as the Care Quality Commission knows it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations"
    )
    cqc_location_id = models.CharField("CQC location ID", max_length=20, unique=True)
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.cqc_location_id})"


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    PROCUREMENT_LEAD = "procurement_lead", "Procurement lead"
    EVALUATOR = "evaluator", "Evaluator"
    PROVIDER = "provider", "Provider user"
    CONTRACT_MANAGER = "contract_manager", "Contract manager"
    COUNCILLOR = "councillor", "Councillor"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that work for a commissioning body and see its contracts and programmes.
COMMISSIONING_ROLES = frozenset(
    {Role.COMMISSIONER, Role.PROCUREMENT_LEAD, Role.CONTRACT_MANAGER, Role.ADMINISTRATOR}
)
# Roles that may change the contract register and programmes.
EDITING_ROLES = frozenset(
    {Role.COMMISSIONER, Role.PROCUREMENT_LEAD, Role.CONTRACT_MANAGER, Role.ADMINISTRATOR}
)


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.COMMISSIONER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    # Lay evaluators are patients or carers who score bids alongside officers.
    is_lay_evaluator = models.BooleanField(default=False)
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.name} for {self.user}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "tc_" + secrets.token_urlsafe(32)
