"""Real geography: local authorities, wards, LSOAs (2021) with population, deprivation and
rurality; localities (local care teams) as groups of wards; postcodes to LSOAs.

ONS codes are the primary keys of places, wards and LSOAs: they are stable, public, and what
every other dataset joins on.
"""

from django.db import models

from .profiles import AGE_BANDS, RURALITY_BANDS

SOURCE_CENSUS = "ONS Census 2021, usual residents by age (LSOA 2021)"
SOURCE_IMD = "English Indices of Deprivation 2025, MHCLG"
SOURCE_RUC = "ONS Rural Urban Classification 2021 (LSOA 2021)"


class Place(models.Model):
    """A local authority district or unitary authority (LTLA, 2024 codes)."""

    code = models.CharField("ONS code", max_length=9, primary_key=True)
    name = models.CharField(max_length=120)
    # The county council for a district (Dover -> Kent, E10000016); a unitary authority or
    # London borough is its own upper tier (Medway -> E06000035). From lad_upper_tier.csv.
    upper_tier_code = models.CharField("upper-tier (county) code", max_length=9, blank=True)
    icb_code = models.CharField("ICB code", max_length=9, blank=True)
    icb_name = models.CharField("integrated care board", max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class Ward(models.Model):
    """An electoral ward (May 2024 codes)."""

    code = models.CharField("ONS code", max_length=9, primary_key=True)
    name = models.CharField(max_length=120)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="wards")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["place", "name"])]

    def __str__(self):
        return self.name


class RuralityBand(models.Model):
    """Which home-care pricing band an RUC2021 class maps to. Data, editable: changing a row
    changes the band of every LSOA with that class."""

    class Band(models.TextChoices):
        URBAN = RURALITY_BANDS[0]
        FRINGE = RURALITY_BANDS[1]
        RURAL = RURALITY_BANDS[2]
        ISOLATED = RURALITY_BANDS[3]

    ruc_code = models.CharField("RUC2021 code", max_length=8, primary_key=True)
    band = models.CharField(max_length=10, choices=Band.choices)
    description = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["ruc_code"]

    def __str__(self):
        return f"{self.ruc_code} -> {self.get_band_display()}"


class OrganisationBand(models.Model):
    """One organisation's own band for an RUC2021 class, in place of Tendercare's mapping.

    It moves that organisation's LSOAs only: its area profiles, travel runs and visit KPIs.
    A commissioner in Kent who moves a class to another band changes nothing for Medway.
    """

    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="rurality_bands"
    )
    ruc = models.ForeignKey(
        RuralityBand,
        on_delete=models.CASCADE,
        db_column="ruc_code",
        related_name="organisation_bands",
        verbose_name="RUC2021 code",
    )
    band = models.CharField(max_length=10, choices=RuralityBand.Band.choices)
    reason = models.CharField(max_length=300)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner", "ruc"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "ruc"], name="organisation_band_once"),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="organisation_band_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.owner}: {self.ruc_id} -> {self.get_band_display()}"


class Lsoa(models.Model):
    """A lower layer super output area (2021): about 1,500 residents."""

    code = models.CharField("ONS code", max_length=9, primary_key=True)
    name = models.CharField(max_length=120)
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="lsoas")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="lsoas")
    pop_0_15 = models.PositiveIntegerField("aged 15 and under", default=0)
    pop_16_24 = models.PositiveIntegerField("aged 16 to 24", default=0)
    pop_25_34 = models.PositiveIntegerField("aged 25 to 34", default=0)
    pop_35_49 = models.PositiveIntegerField("aged 35 to 49", default=0)
    pop_50_64 = models.PositiveIntegerField("aged 50 to 64", default=0)
    pop_65_plus = models.PositiveIntegerField("aged 65 and over", default=0)
    pop_total = models.PositiveIntegerField("usual residents", default=0)
    imd_decile = models.PositiveSmallIntegerField("IMD 2025 decile", null=True, blank=True)
    imd_rank = models.PositiveIntegerField("IMD 2025 rank", null=True, blank=True)
    ruc = models.ForeignKey(
        RuralityBand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="ruc_code",
        related_name="lsoas",
        verbose_name="RUC2021 code",
    )
    area_km2 = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    AGE_FIELDS = tuple(key for key, _ in AGE_BANDS)

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["ward"]),
            models.Index(fields=["place", "imd_decile"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__isnull=True)
                | models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="lsoa_imd_decile_1_to_10",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def ruc_code(self) -> str:
        return self.ruc_id or ""

    @property
    def band(self) -> str:
        """Tendercare's band for this LSOA. An organisation may map its class to another band:
        ask queries.lsoa_bands(organisation) for the band that organisation uses."""
        return self.ruc.band if self.ruc_id else ""


class Locality(models.Model):
    """A group of wards that one team serves (e.g. a local care team)."""

    name = models.CharField(max_length=120)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="localities")
    description = models.TextField(blank=True)
    wards = models.ManyToManyField(Ward, through="LocalityWard", related_name="localities")

    class Meta:
        ordering = ["place__name", "name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="locality_name_unique_in_place")
        ]

    def __str__(self):
        return self.name


class LocalityWard(models.Model):
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE)
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["locality", "ward"], name="locality_ward_unique")
        ]

    def __str__(self):
        return f"{self.ward_id} in locality {self.locality_id}"


class Postcode(models.Model):
    """A postcode (ONS Postcode Directory) and the LSOA it lies in."""

    code = models.CharField(max_length=8, primary_key=True)  # upper case, no spaces: ME11AA
    pcds = models.CharField("postcode", max_length=8)  # as written: ME1 1AA
    lsoa = models.ForeignKey(Lsoa, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["lsoa"])]

    def __str__(self):
        return self.pcds


class GeographyLoad(models.Model):
    """One run of `tendercare geography load`: what was read and how much changed."""

    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        "organisations.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=500)
    lads = models.TextField(blank=True)  # comma-separated ONS codes, blank for all
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"Geography load from {self.source}"
