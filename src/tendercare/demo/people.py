"""The demo county's organisations and people. Providers and contracts are fictional;
the commissioning bodies and their 2020 merger are real, the geography is real ONS data."""

import datetime as dt

from tendercare.organisations.models import Organisation, Role

DEMO_PASSWORD = "tendercare-demo"  # noqa: S105 - local demo only, printed by `tendercare demo`

COMMISSIONERS = [
    # name, kind, ONS code, ODS code. The ONS code says which places a body serves (and so whose
    # localities it may change): Medway itself, Kent's districts such as Dover (E10000016 is
    # their county), and both through the ICB (E54000032, the ICB code of Medway and Dover).
    ("Medway Council", Organisation.Kind.COUNCIL, "E06000035", ""),
    ("Kent County Council", Organisation.Kind.COUNCIL, "E10000016", ""),
    ("NHS Kent and Medway Integrated Care Board", Organisation.Kind.ICB, "E54000032", "QKS"),
]

# On 1 April 2020 the eight Kent and Medway CCGs merged into NHS Kent and Medway CCG, which
# became NHS Kent and Medway ICB on 1 July 2022 (Health and Care Act 2022).
FORMER_CCGS = [
    "NHS Ashford CCG",
    "NHS Canterbury and Coastal CCG",
    "NHS Dartford, Gravesham and Swanley CCG",
    "NHS Medway CCG",
    "NHS South Kent Coast CCG",
    "NHS Swale CCG",
    "NHS Thanet CCG",
    "NHS West Kent CCG",
]
MERGED_CCG = "NHS Kent and Medway CCG"
CCG_MERGER_DATE = dt.date(2020, 4, 1)
ICB_ESTABLISHED = dt.date(2022, 7, 1)

PROVIDERS = [
    # name, kind (fictional organisations)
    ("Medway Valley Community Health NHS Trust", Organisation.Kind.NHS_TRUST),
    ("North Kent Community Services NHS Trust", Organisation.Kind.NHS_TRUST),
    ("Dover and Deal Community Health NHS Trust", Organisation.Kind.NHS_TRUST),
    ("Estuary Hospitals NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
    ("Kentish Minds NHS Partnership Trust", Organisation.Kind.NHS_TRUST),
    ("Riverside Home Care Ltd", Organisation.Kind.INDEPENDENT),
    ("Castle View Care Ltd", Organisation.Kind.INDEPENDENT),
    ("Chatham Dockside Care Ltd", Organisation.Kind.INDEPENDENT),
    ("Hoo Peninsula Home Support Ltd", Organisation.Kind.INDEPENDENT),
    ("White Cliffs Homecare Ltd", Organisation.Kind.INDEPENDENT),
    ("Garden of England Care Services Ltd", Organisation.Kind.INDEPENDENT),
    ("Rainham Home Helpers Ltd", Organisation.Kind.INDEPENDENT),
    ("Strood Care at Home Ltd", Organisation.Kind.INDEPENDENT),
    ("Pilgrims Way Care Ltd", Organisation.Kind.INDEPENDENT),
    ("Cinque Ports Care Ltd", Organisation.Kind.INDEPENDENT),
    ("Lordswood Living Well Ltd", Organisation.Kind.INDEPENDENT),
    ("Oast House Homecare Ltd", Organisation.Kind.INDEPENDENT),
    ("Sandwich Bay Support Services Ltd", Organisation.Kind.INDEPENDENT),
    ("Downs Therapy Partners Ltd", Organisation.Kind.INDEPENDENT),
    ("Harbourside Reablement Ltd", Organisation.Kind.INDEPENDENT),
    ("Orchard Nursing Agency Ltd", Organisation.Kind.INDEPENDENT),
    ("Walderslade Wellbeing Ltd", Organisation.Kind.INDEPENDENT),
    ("Medway Carers Together CIC", Organisation.Kind.VCSE),
    ("Dover Good Neighbours", Organisation.Kind.VCSE),
    ("Kent Rural Befriending Trust", Organisation.Kind.VCSE),
    ("Peninsula Community Transport CIC", Organisation.Kind.VCSE),
    ("Age Well Medway", Organisation.Kind.VCSE),
    ("Thames Gateway Social Enterprise CIC", Organisation.Kind.VCSE),
    ("Deal and Walmer Support CIC", Organisation.Kind.VCSE),
    ("Hospice at Home Kent", Organisation.Kind.VCSE),
]

# username, role, organisation name, full name, job title, lay evaluator?
USERS = [
    (
        "commissioner",
        Role.COMMISSIONER,
        "Medway Council",
        "Priya Shah",
        "Head of Adult Social Care Commissioning",
        False,
    ),
    (
        "icb.commissioner",
        Role.COMMISSIONER,
        "NHS Kent and Medway Integrated Care Board",
        "Tom Okafor",
        "Associate Director, Community Services",
        False,
    ),
    (
        "procurement",
        Role.PROCUREMENT_LEAD,
        "Medway Council",
        "Helen Ward",
        "Category Manager, Care",
        False,
    ),
    (
        "evaluator",
        Role.EVALUATOR,
        "Medway Council",
        "James Green",
        "Occupational Therapy Lead",
        False,
    ),
    (
        "evaluator2",
        Role.EVALUATOR,
        "Medway Council",
        "Grace Adeyemi",
        "Senior Social Worker, Hospital Discharge Team",
        False,
    ),
    (
        "evaluator3",
        Role.EVALUATOR,
        "Medway Council",
        "Daniel Kowalski",
        "Quality Assurance Officer, Adult Social Care",
        False,
    ),
    (
        "lay.evaluator",
        Role.EVALUATOR,
        "Medway Council",
        "Maureen Fisher",
        "Carer representative",
        True,
    ),
    (
        "provider",
        Role.PROVIDER,
        "Riverside Home Care Ltd",
        "Ade Bello",
        "Registered Manager",
        False,
    ),
    (
        "contracts",
        Role.CONTRACT_MANAGER,
        "Medway Council",
        "Sarah Lee",
        "Contract and Quality Officer",
        False,
    ),
    (
        "councillor",
        Role.COUNCILLOR,
        "Medway Council",
        "Cllr Rita Patel",
        "Health and Adult Social Care Overview and Scrutiny Committee",
        False,
    ),
    ("admin", Role.ADMINISTRATOR, "Medway Council", "Ian Brooks", "Systems Administrator", False),
]
