"""The demo's two procurements, written through the procurement, bidding, evaluation and award
services so that they are checked and audited like real use:

1. Home care in Medway (Medway Council; Procurement Act 2023, light touch, open procedure),
   completed in the year before `as_of`: four zones, twelve bidders, three officer evaluators
   and a lay evaluator, a declared conflict, moderation, an abnormally low tender, prime and
   supplementary awards, standstill, a representation, contracts in the register.
2. Community health services (NHS Kent and Medway ICB; competitive flexible procedure), live:
   published, providers interested, selection done, now in its first dialogue round.

Dates are set relative to `as_of` and handed to the services' own time parameters (now=, at=,
issued_on=, responded_on=, today=). Providers, people, hourly rates, answers and scores are
fictional demo figures; the procedure and its rules are the real ones the services enforce.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tendercare.award import services as award_services
from tendercare.award.models import Award
from tendercare.bidding import services as bidding_services
from tendercare.contracts import services as contract_services
from tendercare.contracts.models import Contract, ContractStatus, ServiceGroup
from tendercare.core import calendar
from tendercare.core.errors import DomainError
from tendercare.evaluation import queries as evaluation_queries
from tendercare.evaluation import services as evaluation_services
from tendercare.evaluation.models import PriceClarification
from tendercare.geography.models import Locality
from tendercare.organisations import services as org_services
from tendercare.organisations.models import Organisation, Role, User
from tendercare.procurement import routes
from tendercare.procurement import services as procurement_services
from tendercare.procurement.evaluation_model import DESCRIPTORS
from tendercare.procurement.models import Criterion, Lot, Procurement, Question, Route, State
from tendercare.programmes import services as programme_services
from tendercare.programmes.models import Programme

MEDWAY_CODE = "E06000035"
HOME_CARE_REFERENCE = "MED-HC-2026"
COMMUNITY_REFERENCE = "KMICB-CHS-2026"
HOME_CARE_SERVICE = "Home care (domiciliary care)"


@dataclass
class ProcurementsSummary:
    references: list[str] = field(default_factory=list)
    bids: int = 0
    bidders: int = 0
    awards: int = 0
    contracts: int = 0
    interests: int = 0


# --- time -----------------------------------------------------------------------------------


def _months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day in England, else the next one."""
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _first_of_month_on_or_after(day: dt.date) -> dt.date:
    return day if day.day == 1 else _months(day.replace(day=1), 1)


# --- people -----------------------------------------------------------------------------------

BID_MANAGERS = [
    "Chloe Barnes",
    "Marcus Reid",
    "Aisha Rahman",
    "Owen Fletcher",
    "Niamh Doyle",
    "Samuel Osei",
    "Harriet Lamb",
    "Kieran Walsh",
    "Fatima Begum",
    "Lewis Hart",
    "Eleanor Price",
    "Ravi Mistry",
    "Joanna Nowak",
    "Patrick Boyle",
    "Sophie Turner",
    "Yusuf Ali",
    "Bethany Cole",
    "Daniel Mensah",
]


def _slug(name: str) -> str:
    name = name.lower().removesuffix(" ltd").removesuffix(" cic")
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")


class _Bidders:
    """One provider user per bidding organisation (the demo's 'provider' user for Riverside),
    each with the demo password; usernames are bids.<organisation>."""

    def __init__(self, password_hash: str):
        self.password_hash = password_hash
        self.users: dict[int, User] = {
            u.organisation_id: u for u in User.objects.filter(role=Role.PROVIDER)
        }

    def user(self, org: Organisation) -> User:
        if org.pk not in self.users:
            first, _, last = BID_MANAGERS[len(self.users) % len(BID_MANAGERS)].rpartition(" ")
            self.users[org.pk] = org_services.user_create(
                username=f"bids.{_slug(org.name)}",
                password_hash=self.password_hash,
                role=Role.PROVIDER,
                organisation=org,
                first_name=first,
                last_name=last,
                job_title="Bid manager",
            )
        return self.users[org.pk]


# --- 1. home care in Medway -------------------------------------------------------------------

# lot number, title, locality, what it covers, expected hours a year per band
HOME_CARE_LOTS = [
    (
        1,
        "Strood and Peninsula",
        "Strood and Peninsula",
        "Strood and the Hoo Peninsula villages, including Allhallows, Grain and High Halstow.",
        {"urban": 22000, "fringe": 9000, "rural": 7500},
    ),
    (
        2,
        "Chatham and Rochester",
        "Chatham",
        "The Chatham locality and the wards of the Rochester locality, served from one zone.",
        {"urban": 52000, "fringe": 3000},
    ),
    (
        3,
        "Gillingham",
        "Gillingham",
        "Gillingham, Twydall and Watling.",
        {"urban": 44000, "fringe": 2500},
    ),
    (
        4,
        "Rainham, Walderslade and Lordswood",
        "Rainham",
        "The Rainham locality and the wards of the Walderslade and Lordswood locality.",
        {"urban": 30000, "fringe": 6000, "rural": 2000},
    ),
]

HOME_CARE_REQUIREMENTS = [
    (
        "R1",
        "Single point of access",
        "Accept referrals through the council's single point of access from 8am to 8pm every "
        "day, and confirm within 24 hours whether a package can start, and when.",
    ),
    (
        "R2",
        "Electronic call monitoring",
        "Record the start and end of every visit with electronic call monitoring, share the data "
        "with the council every month, and invoice for the time actually delivered.",
    ),
    (
        "R3",
        "In and out of hours response",
        "Start urgent packages within 48 hours, and hospital discharges within 24 hours, between "
        "7am and 10pm seven days a week; run an out-of-hours on-call service for people "
        "receiving care.",
    ),
    (
        "R4",
        "Shared care record",
        "Read from and write to the Kent and Medway Care Record for every person supported, with "
        "their consent, so that district nurses, GPs and the hospital see the same information.",
    ),
    (
        "R5",
        "Person-centred care and continuity",
        "Agree outcomes with each person and their carers, keep a small consistent team of care "
        "workers for each person, and review the care plan at least every six months.",
    ),
    (
        "R6",
        "Registration and safeguarding",
        "Be registered with the Care Quality Commission for personal care, not rated "
        "Inadequate, and follow the Kent and Medway safeguarding adults procedures.",
    ),
    (
        "R7",
        "Fair pay and local jobs",
        "Pay care workers for travel time between visits, and recruit and train people who "
        "live in Medway.",
    ),
]

# number, criterion key, scale, weight, minimum, requirement codes, question
HOME_CARE_QUESTIONS = [
    (
        "Q1",
        "mandatory",
        Question.Scale.PASS_FAIL,
        0,
        None,
        ["R6"],
        "Confirm your CQC registration for personal care and your current rating, and that you "
        "will follow the Kent and Medway safeguarding adults procedures.",
    ),
    (
        "Q2.1",
        "quality",
        Question.Scale.ZERO_TO_FIVE,
        12,
        None,
        ["R1"],
        "How will you take referrals through the single point of access and confirm start "
        "dates within 24 hours, including at weekends?",
    ),
    (
        "Q2.2",
        "quality",
        Question.Scale.ZERO_TO_FIVE,
        12,
        None,
        ["R2"],
        "How will you use electronic call monitoring to make sure visits happen on time and for "
        "their full length, and how will you share the data with the council?",
    ),
    (
        "Q2.3",
        "quality",
        Question.Scale.ZERO_TO_FIVE,
        12,
        2,
        ["R3"],
        "How will you respond to urgent requests in and out of hours, including hospital "
        "discharges at weekends? (Minimum score 2.)",
    ),
    (
        "Q2.4",
        "quality",
        Question.Scale.ZERO_TO_FIVE,
        12,
        None,
        ["R4"],
        "How will your care workers use the shared care record, and how will you work with "
        "district nurses and GPs?",
    ),
    (
        "Q2.5",
        "quality",
        Question.Scale.ZERO_TO_FIVE,
        12,
        None,
        ["R5"],
        "How will people who draw on care, and their carers, shape their support and see the "
        "same care workers from week to week?",
    ),
    (
        "Q3.1",
        "social_value",
        Question.Scale.ZERO_TO_FIVE,
        10,
        None,
        ["R7"],
        "What will you do over the contract for local jobs and fair pay for care workers in the "
        "zone?",
    ),
]

# Who scores what: two of the three officers on each quality question, the lay evaluator with
# an officer on the question about what people experience; the procurement lead checks the pass
# or fail compliance question.
PANEL = {
    "Q1": ["procurement"],
    "Q2.1": ["evaluator", "evaluator2"],
    "Q2.2": ["evaluator2", "evaluator3"],
    "Q2.3": ["evaluator", "evaluator3"],
    "Q2.4": ["evaluator", "evaluator2"],
    "Q2.5": ["evaluator3", "lay.evaluator"],
    "Q3.1": ["evaluator2", "evaluator3"],
}

# bidder, lots bid for, quality they show (0-5 scale, before each evaluator's judgement), and
# urban hourly rate in GBP (fictional demo figures; each lot varies it by up to 40p)
HOME_CARE_BIDDERS = [
    ("Riverside Home Care Ltd", [1, 2, 3, 4], 3.7, "26.90"),
    ("Castle View Care Ltd", [2], 3.9, "27.40"),
    ("Chatham Dockside Care Ltd", [2], 2.4, "25.10"),
    ("Hoo Peninsula Home Support Ltd", [1], 4.1, "27.80"),
    ("Garden of England Care Services Ltd", [1, 2, 3, 4], 3.5, "25.20"),
    ("Rainham Home Helpers Ltd", [4], 4.0, "26.60"),
    ("Strood Care at Home Ltd", [1, 2], 3.6, "26.10"),
    ("Pilgrims Way Care Ltd", [1, 3, 4], 3.0, "24.60"),
    ("Lordswood Living Well Ltd", [3, 4], 3.4, "25.90"),
    ("Oast House Homecare Ltd", [2, 3], 2.9, "26.80"),
    ("Walderslade Wellbeing Ltd", [3, 4], 3.2, "24.90"),
    ("Thames Gateway Social Enterprise CIC", [1, 2, 3], 3.1, "27.50"),
]
CONFLICTED_EVALUATOR = "evaluator3"
CONFLICTED_WITH = "Strood Care at Home Ltd"
WEAK_RESPONSE = ("Chatham Dockside Care Ltd", "Q2.3")  # below the minimum score of 2
ABNORMALLY_LOW = ("Oast House Homecare Ltd", 3)
# Fictional demo figures (GBP an hour): far below every other bid in the lot.
ABNORMALLY_LOW_RATES = {"urban": "15.80", "fringe": "16.30", "rural": "17.40", "isolated": "18.90"}
FORCED_SPREAD = ("Riverside Home Care Ltd", 1, "Q2.2", [3, 5])  # moderated to 4

ANSWERS = {
    "Q1": "Registered with the CQC for personal care at our Medway office, rated Good at the "
    "last inspection; our safeguarding policy follows the Kent and Medway procedures.",
    "Q2.1": "A duty coordinator answers the single point of access from 8am to 8pm every day "
    "and confirms start dates the same day, with rota capacity held back for new packages.",
    "Q2.2": "Every visit is logged by the care worker's phone at the door; late or short visits "
    "alert the office within 15 minutes and the data goes to the council monthly.",
    "Q2.3": "Two rapid-start teams cover 7am to 10pm; hospital discharges are picked up within "
    "24 hours and a senior carer is on call overnight.",
    "Q2.4": "Care workers read and add notes to the Kent and Medway Care Record on their phones "
    "and meet the district nursing team weekly in each zone.",
    "Q2.5": "Each person and their carer write the outcomes in their own words; a team of no more "
    "than four care workers visits each person, and plans are reviewed every six months.",
    "Q3.1": "We will recruit in the zone through the jobcentre and colleges, pay travel time at "
    "the full hourly rate and offer a paid care certificate to every new starter.",
}
FOCUS = {
    "Q1": "CQC registration and safeguarding",
    "Q2.1": "the referral route, weekend cover and the 24-hour confirmation",
    "Q2.2": "electronic call monitoring and reporting to the council",
    "Q2.3": "urgent starts, hospital discharge and out-of-hours cover",
    "Q2.4": "use of the shared care record and joint working with health",
    "Q2.5": "how people and carers shape their support and continuity of care workers",
    "Q3.1": "local recruitment, training and pay for travel time",
}
MODERATION_REASONS = [
    "Consensus after discussion: the evidence in the appendix had been missed by one evaluator.",
    "Consensus after discussion: the answer meets the requirement but relies on plans not yet "
    "in place.",
    "Consensus after discussion: the panel agreed the examples given were from another council "
    "and carry less weight.",
]
LAY_MODERATION_REASON = (
    "Consensus after discussion: the lay evaluator's reading of what people and carers would "
    "experience was weighed with the officer's view of the evidence."
)
CLARIFICATIONS = [
    (
        "Hoo Peninsula Home Support Ltd",
        "Will travel time between visits on the Hoo Peninsula be paid separately, or is it "
        "included in the rural hourly rate?",
        "Each band's hourly rate must include travel time and mileage: the rural band exists "
        "because travel between visits is longer there. Care workers must be paid for travel "
        "time (requirement R7).",
    ),
    (
        "Garden of England Care Services Ltd",
        "Must the shared care record be used from the first day of the contract?",
        "Yes for new packages. For packages that transfer from the current providers, within "
        "three months of the transfer (requirement R4).",
    ),
    (
        "Castle View Care Ltd",
        "Can one provider be the prime provider in more than one zone?",
        "Yes. Each lot is evaluated on its own; a provider may be prime provider in one zone "
        "and supplementary provider in another.",
    ),
]


def _rates(rng, base: Decimal) -> dict[str, str]:
    """Banded hourly rates in GBP (fictional demo figures): a rural and isolated uplift for the
    longer travel between visits."""
    urban = base + Decimal(rng.randint(-40, 40)) / 100
    return {
        "urban": str(urban),
        "fringe": str(urban + Decimal(rng.randint(40, 120)) / 100),
        "rural": str(urban + Decimal(rng.randint(200, 350)) / 100),
        "isolated": str(urban + Decimal(rng.randint(400, 550)) / 100),
    }


def _clamp(value: int) -> int:
    return max(1, min(5, value))


def _rationale(question: Question, score: int) -> str:
    if question.scale == Question.Scale.PASS_FAIL:
        label = "Pass" if score else "Fail"
        meaning = dict(DESCRIPTORS["pass_fail"])[label]
        return f"{label}: {meaning} Checked: {FOCUS[question.number]}."
    meaning = dict(DESCRIPTORS["0-5"])[str(score)]
    return f"{meaning} Assessed on {FOCUS[question.number]}."


def _home_care(*, as_of, orgs, users, contracts, rng, bidders: _Bidders) -> Procurement:
    medway = orgs["Medway Council"]
    lead, commissioner = users["procurement"], users["commissioner"]
    programme = Programme.objects.get(owner=medway, name="Home care from November 2026")
    service, _ = contract_services.service_line_get_or_create(
        name=HOME_CARE_SERVICE, group=ServiceGroup.HOME_CARE
    )
    replaced = [
        c
        for c in contracts
        if c.reference.startswith("HC") and c.shares.filter(organisation=medway).exists()
    ]

    published_on = _working_day(_months(as_of, -8))
    clarifications_close = _at(_working_day(published_on + dt.timedelta(days=24)), 17)
    deadline = _at(_working_day(published_on + dt.timedelta(days=42)), 12)
    if deadline >= timezone.now():
        raise DomainError(
            f"The demo's completed home care procurement closed for bids on "
            f"{deadline:%d %B %Y}, which has not yet come on this computer's clock: build the "
            "demo as of a date no more than six months from today"
        )

    hours_total = {n: sum(h.values()) for n, _, _, _, h in HOME_CARE_LOTS}
    lot_values = {n: Decimal(hours * 27) for n, hours in hours_total.items()}
    estimated = sum(lot_values.values()) * 5  # five years; home care is exempt from VAT
    procurement = procurement_services.procurement_create(
        owner=medway,
        reference=HOME_CARE_REFERENCE,
        title="Home care in Medway, four zones",
        estimated_value=estimated,
        by=lead,
        programme=programme,
        replaces=replaced,
        service=service,
        description="Home care for adults in Medway in four zones, each with a prime provider "
        "and two supplementary providers, paid by banded hourly rates for five years. Replaces "
        "the 2019 contracts for six zones.",
    )
    programme_services.decision_record(
        programme=programme,
        title="Four zone lots for the tender",
        decision="Tender four zones instead of six: Rochester joins Chatham, and Walderslade and "
        "Lordswood join Rainham.",
        decided_on=published_on - dt.timedelta(days=21),
        decided_by="Adult Social Care Commissioning Board",
        rationale="The market engagement found the smallest zones too small to sustain a prime "
        "and two supplementary providers.",
        by=commissioner,
    )
    procurement_services.notice_record(
        procurement=procurement,
        code="UK2",
        by=lead,
        published_at=_at(_working_day(_months(as_of, -11)), 9),
        body={"summary": "Provider forum and survey on the zones and banded rates"},
    )
    answers = routes.Answers(
        service_kind=routes.SOCIAL_CARE, estimated_value=estimated.quantize(Decimal("1"))
    )
    procurement_services.route_decide(
        procurement=procurement,
        answers=answers.as_dict(),
        chosen_route=routes.advise(answers).recommended_route,
        by=lead,
    )

    locality_of = {
        loc.name: loc for loc in Locality.objects.filter(place_id=MEDWAY_CODE).order_by("name")
    }
    lots: dict[int, Lot] = {}
    for number, title, locality_name, covers, hours in HOME_CARE_LOTS:
        locality = locality_of.get(locality_name)
        # lot_add refuses a zone lot without a locality. Without the geography (the tests'
        # quick build) the lots are service-line lots, and each gets one sole provider.
        lots[number] = procurement_services.lot_add(
            procurement=procurement,
            title=title,
            by=lead,
            number=number,
            kind=Lot.Kind.ZONE if locality else Lot.Kind.SERVICE_LINE,
            locality=locality,
            service=service,
            in_scope=covers,
            annual_value=lot_values[number],
            priced_by_band=True,
            band_hours=hours,
        )
    requirements = {
        code: procurement_services.requirement_add(
            procurement=procurement, code=code, title=title, text=text, by=lead
        )
        for code, title, text in HOME_CARE_REQUIREMENTS
    }
    criteria = {
        "mandatory": procurement_services.criterion_add(
            procurement=procurement,
            name="Mandatory requirements",
            kind=Criterion.Kind.PASS_FAIL,
            weight=0,
            by=lead,
        ),
        "quality": procurement_services.criterion_add(
            procurement=procurement, name="Quality", kind=Criterion.Kind.QUALITY, weight=60, by=lead
        ),
        "price": procurement_services.criterion_add(
            procurement=procurement, name="Price", kind=Criterion.Kind.PRICE, weight=30, by=lead
        ),
        "social_value": procurement_services.criterion_add(
            procurement=procurement,
            name="Social value",
            kind=Criterion.Kind.SOCIAL_VALUE,
            weight=10,
            by=lead,
        ),
    }
    questions: dict[str, Question] = {}
    for number, key, scale, weight, minimum, codes, text in HOME_CARE_QUESTIONS:
        questions[number] = procurement_services.question_add(
            criterion=criteria[key],
            number=number,
            text=text,
            by=lead,
            scale=scale,
            weight=weight,
            minimum_score=minimum,
            requirements=[requirements[c] for c in codes],
        )
    procurement_services.price_formula_set(
        procurement=procurement, formula="relative_to_lowest", by=lead
    )
    procurement_services.procurement_publish(
        procurement=procurement,
        bid_deadline=deadline,
        clarification_deadline=clarifications_close,
        by=lead,
        now=_at(published_on, 9),
    )

    # Bidding: interest, clarification questions (answered and published to all), bids.
    bidder_orgs = {name: orgs[name] for name, *_ in HOME_CARE_BIDDERS}
    bids = []
    # The bidders act in the past (the demo is dated relative to as_of): each service is told
    # when, and checks that moment against the published deadlines.
    interest_at = _at(published_on + dt.timedelta(days=2), 10)
    questions_at = _at(published_on + dt.timedelta(days=5), 11)
    for name, *_ in HOME_CARE_BIDDERS:
        bidding_services.interest_register(
            procurement=procurement, by=bidders.user(bidder_orgs[name]), at=interest_at
        )
    for name, question, answer in CLARIFICATIONS:
        clarification = bidding_services.clarification_ask(
            procurement=procurement,
            question=question,
            by=bidders.user(bidder_orgs[name]),
            at=questions_at,
        )
        bidding_services.clarification_answer(
            clarification=clarification, answer=answer, publish=True, by=lead
        )
    for name, lot_numbers, _, rate in HOME_CARE_BIDDERS:
        org = bidder_orgs[name]
        user = bidders.user(org)
        base = Decimal(rate)
        for number in lot_numbers:
            lot = lots[number]
            submitted = deadline - dt.timedelta(
                days=rng.randint(0, 6), hours=rng.randint(1, 20), minutes=rng.randint(0, 59)
            )
            bid = bidding_services.bid_start(lot=lot, by=user, at=submitted)
            prices = _rates(rng, base)
            if (name, number) == ABNORMALLY_LOW:
                prices = dict(ABNORMALLY_LOW_RATES)
            bidding_services.bid_save(
                bid=bid,
                answers={
                    str(q.pk): f"{org.name}, {lot.title}: {ANSWERS[q.number]}"
                    for q in questions.values()
                },
                prices=prices,
                by=user,
                at=submitted,
            )
            bids.append(bidding_services.bid_submit(bid=bid, by=user, at=submitted))

    # Evaluation. (The questions come back with their lots and criterion, which the scoring
    # checks read for every score.)
    questions = {
        q.number: q
        for q in Question.objects.filter(pk__in=[q.pk for q in questions.values()])
        .select_related("criterion")
        .prefetch_related("lots")
    }
    procurement_services.close_bids(
        procurement=procurement, by=lead, now=deadline + dt.timedelta(minutes=1)
    )
    procurement_services.procurement_transition(
        procurement=procurement,
        to_state=State.EVALUATION,
        by=lead,
        note="Evaluation started: quality and social value to the panel",
    )
    panel = {username: users[username] for names in PANEL.values() for username in names}
    for number, usernames in PANEL.items():
        for username in usernames:
            evaluation_services.assignment_add(
                procurement=procurement,
                question=questions[number],
                evaluator=panel[username],
                by=lead,
            )
    panel["procurement"] = lead  # moderates too, so declares like everyone who opens bids
    for username, person in sorted(panel.items()):
        if username == CONFLICTED_EVALUATOR:
            evaluation_services.declaration_make(
                procurement=procurement,
                evaluator=person,
                no_conflicts=False,
                conflicts=[
                    (
                        bidder_orgs[CONFLICTED_WITH],
                        "My sister is the registered manager of this provider.",
                    )
                ],
                statement="No other interests.",
            )
        else:
            evaluation_services.declaration_make(
                procurement=procurement,
                evaluator=person,
                no_conflicts=True,
                statement="I have no interest in any bidder.",
            )
    strength = {name: quality for name, _, quality, _ in HOME_CARE_BIDDERS}
    for bid in bids:
        name = bid.provider.name
        for number, usernames in PANEL.items():
            question = questions[number]
            scorers = [
                u for u in usernames if not (u == CONFLICTED_EVALUATOR and name == CONFLICTED_WITH)
            ]
            level = strength[name] + rng.choice([-0.4, 0, 0, 0.3])
            if number == "Q1":
                values = [1] * len(scorers)
            elif (name, bid.lot.number, number) == FORCED_SPREAD[:3]:
                values = FORCED_SPREAD[3]
            elif (name, number) == WEAK_RESPONSE:
                values = [1] * len(scorers)
            else:
                values = [
                    _clamp(int(round(level)) + rng.choice([-1, 0, 0, 0, 0, 1])) for _ in scorers
                ]
            for username, value in zip(scorers, values, strict=True):
                evaluation_services.score_record(
                    bid=bid,
                    question=question,
                    evaluator=panel[username],
                    score=value,
                    rationale=_rationale(question, value),
                )
    flagged = [
        row for row in evaluation_queries.moderation_rows_all(procurement) if row.needs_moderation
    ]
    for index, row in enumerate(flagged):
        values = [int(s.score) for s in row.scores]
        lay = any(s.evaluator.is_lay_evaluator for s in row.scores)
        evaluation_services.moderation_record(
            bid=row.bid,
            question=row.question,
            score=round(sum(values) / len(values)),
            reason=LAY_MODERATION_REASON
            if lay
            else MODERATION_REASONS[index % len(MODERATION_REASONS)],
            by=lead,
        )
    evaluation_services.quality_lock(procurement=procurement, by=lead)
    for bid in bids:
        if (bid.provider.name, bid.lot.number) == ABNORMALLY_LOW:
            evaluation_services.price_clarification_record(
                bid=bid,
                explanation="Asked to explain its rates, the bidder said they assume 15-minute "
                "visits and unpaid travel between visits. Rates that do not pay care workers "
                "for travel time cannot meet the National Living Wage or requirement R7: "
                "explanation rejected, bid excluded (Procurement Act 2023, section 34).",
                outcome=PriceClarification.Outcome.REJECTED,
                by=lead,
            )

    # Award: proposals from the evaluation, letters and standstill, a representation, contracts.
    procurement.refresh_from_db()  # moderation moved it on through another copy
    for lot in lots.values():
        award_services.award_propose_from_evaluation(procurement=procurement, lot=lot, by=lead)
    issued_on = _working_day(deadline.date() + dt.timedelta(days=42))
    award_services.letters_issue(procurement=procurement, by=lead, issued_on=issued_on)
    procurement.refresh_from_db()
    received = calendar.add_working_days(issued_on, 3)
    # The bidder whose Q2.3 answer fell below the minimum score asks for a check.
    challenger = bidder_orgs[WEAK_RESPONSE[0]]
    representation = award_services.representation_record(
        procurement=procurement,
        provider=challenger,
        received_on=received,
        text="We ask the council to check our score for Q2.3: our answer described a rapid "
        "response team that we already run for another council.",
        by=lead,
    )
    award_services.representation_respond(
        representation=representation,
        response="The panel's notes for Q2.3 were checked. The answer described the team but "
        "not how it would start hospital discharges at weekends in Medway, which the "
        "requirement asks for. The score stands.",
        outcome="Award unchanged",
        responded_on=calendar.add_working_days(received, 2),
        by=commissioner,
    )
    confirmed_on = calendar.add_working_days(procurement.standstill_ends, 1)
    start = _first_of_month_on_or_after(_months(confirmed_on, 4))
    new_contracts = award_services.award_confirm(
        procurement=procurement,
        by=commissioner,
        today=confirmed_on,
        start_date=start,
        end_date=_months(start, 60) - dt.timedelta(days=1),
    )
    procurement_services.notice_record(
        procurement=procurement,
        code="UK7",
        by=lead,
        published_at=_at(calendar.add_working_days(confirmed_on, 2), 10),
        body={"contracts": [c.reference for c in new_contracts]},
    )
    # The contracts go live on their start date; the contract manager marks them active.
    if start <= as_of:
        for contract in new_contracts:
            contract_services.contract_update(
                contract=contract, status=ContractStatus.ACTIVE, by=users["contracts"]
            )
    return procurement


# --- 2. community health services, in dialogue ------------------------------------------------

COMMUNITY_LOTS = [
    (
        1,
        "Adult community nursing",
        "Adult community nursing",
        ServiceGroup.ADULT_COMMUNITY_NURSING,
        "District nursing, including out of hours, for adults in Medway and Swale.",
        Decimal("11500000"),
    ),
    (
        2,
        "Community therapies",
        "Community therapies",
        ServiceGroup.THERAPY,
        "Physiotherapy, occupational therapy, speech and language therapy and podiatry.",
        Decimal("5900000"),
    ),
    (
        3,
        "Specialist community services",
        "Specialist community services",
        ServiceGroup.SPECIALIST_COMMUNITY,
        "Tissue viability, diabetes and heart failure services.",
        Decimal("2500000"),
    ),
]
COMMUNITY_REQUIREMENTS = [
    (
        "R1",
        "Neighbourhood teams",
        "Organise the services around the neighbourhood teams of Medway and Swale, with one "
        "care plan per person across community nursing, therapies and specialist services.",
    ),
    (
        "R2",
        "Urgent community response",
        "Respond to urgent referrals within two hours, 8am to 8pm, seven days a week.",
    ),
    (
        "R3",
        "Shared care record",
        "Record care in the Kent and Medway Care Record and share it with GPs, the hospital and "
        "social care.",
    ),
    (
        "R4",
        "Health inequalities",
        "Reduce the gap in access and outcomes between the most and least deprived "
        "neighbourhoods, and report on it every quarter.",
    ),
]
COMMUNITY_QUESTIONS = [
    ("Q1", "quality", 15, ["R1"], "How will you organise your teams around neighbourhoods?"),
    ("Q2", "quality", 15, ["R2"], "How will you meet the two-hour urgent community response?"),
    ("Q3", "quality", 15, ["R3"], "How will your staff use the shared care record?"),
    ("Q4", "quality", 15, ["R4"], "How will you reduce health inequalities in access?"),
    ("Q5", "social_value", 10, [], "What will you do for local jobs and the environment?"),
]
COMMUNITY_INTEREST = [
    "Medway Valley Community Health NHS Trust",
    "North Kent Community Services NHS Trust",
    "Estuary Hospitals NHS Foundation Trust",
    "Dover and Deal Community Health NHS Trust",
    "Downs Therapy Partners Ltd",
    "Orchard Nursing Agency Ltd",
    "Harbourside Reablement Ltd",
    "Hospice at Home Kent",
]
# asker, question, answer ("" = not answered yet: work waiting for the ICB)
COMMUNITY_CLARIFICATIONS = [
    (
        "Medway Valley Community Health NHS Trust",
        "Will the TUPE information include bank staff who work regular shifts?",
        "Yes: the incumbent's TUPE list will include bank staff with regular patterns of work, "
        "anonymised, before the dialogue round on workforce.",
    ),
    (
        "Downs Therapy Partners Ltd",
        "May an independent provider lead a bid for the therapies lot with an NHS trust as a "
        "subcontractor?",
        "Yes. The lead bidder holds the contract; subcontractors are named in the tender and "
        "assessed against the conditions of participation.",
    ),
    (
        "Hospice at Home Kent",
        "Will end of life care coordination sit in the specialist services lot or stay with the "
        "hospice contract?",
        "",
    ),
]


def _community(*, as_of, orgs, users, contracts, bidders: _Bidders) -> Procurement:
    icb = orgs["NHS Kent and Medway Integrated Care Board"]
    lead = users["icb.commissioner"]
    programme = Programme.objects.get(owner=icb, name="Community services re-procurement")
    groups = {group for _, _, _, group, _, _ in COMMUNITY_LOTS}
    replaced = [
        c
        for c in contracts
        if c.reference.startswith("KM-CHS")
        and c.title.endswith("(Medway and Swale)")
        and c.service.group in groups
    ]
    estimated = sum(value for *_, value in COMMUNITY_LOTS) * 5
    programme_services.decision_record(
        programme=programme,
        title="Procure under the Procurement Act: competitive flexible procedure",
        decision="Run a competitive flexible procedure with a dialogue stage instead of the PSR "
        "competitive process, with lots by service line.",
        decided_on=_months(as_of, -4),
        decided_by="ICB Executive Management Team",
        rationale="Legal advice: the contract bundles the services with the neighbourhood hub "
        "estate and the care coordination platform, and its main subject matter is not the "
        "health care services alone, so it is a mixed procurement under the Procurement Act "
        "2023. Dialogue is needed to shape the neighbourhood model with providers.",
        by=lead,
    )
    procurement = procurement_services.procurement_create(
        owner=icb,
        reference=COMMUNITY_REFERENCE,
        title="Community health services for Medway and Swale",
        estimated_value=estimated,
        by=lead,
        programme=programme,
        replaces=replaced,
        description="Adult community nursing, therapies and specialist community services in "
        "neighbourhood teams, in three lots, for five years. Competitive flexible procedure: "
        "selection on the conditions of participation, dialogue rounds with the shortlisted "
        "providers, then final tenders. The deadline published with the tender notice is the "
        "indicative one for final tenders; the invitation to submit final tenders will confirm "
        "it.",
    )
    procurement_services.notice_record(
        procurement=procurement,
        code="UK2",
        by=lead,
        published_at=_at(_working_day(_months(as_of, -8)), 9),
        body={"summary": "Market engagement event on the neighbourhood model"},
    )
    # The advisor has no answer for a mixed procurement: the ICB answers "other services"
    # (see the programme decision above), which is what puts it under the Act.
    answers = routes.Answers(
        service_kind=routes.OTHER, estimated_value=estimated, needs_dialogue=True
    )
    procurement_services.route_decide(
        procurement=procurement,
        answers=answers.as_dict(),
        chosen_route=Route.COMPETITIVE_FLEXIBLE,
        rationale="Mixed procurement under the Procurement Act 2023 on legal advice (programme "
        "decision); dialogue is needed to design the neighbourhood model with providers.",
        by=lead,
    )
    requirements = {
        code: procurement_services.requirement_add(
            procurement=procurement, code=code, title=title, text=text, by=lead
        )
        for code, title, text in COMMUNITY_REQUIREMENTS
    }
    for number, title, service_name, group, covers, value in COMMUNITY_LOTS:
        service, _ = contract_services.service_line_get_or_create(name=service_name, group=group)
        procurement_services.lot_add(
            procurement=procurement,
            title=title,
            by=lead,
            number=number,
            kind=Lot.Kind.SERVICE_LINE,
            service=service,
            in_scope=covers,
            annual_value=value,
        )
    criteria = {
        "quality": procurement_services.criterion_add(
            procurement=procurement, name="Quality", kind=Criterion.Kind.QUALITY, weight=60, by=lead
        ),
        "price": procurement_services.criterion_add(
            procurement=procurement, name="Price", kind=Criterion.Kind.PRICE, weight=30, by=lead
        ),
        "social_value": procurement_services.criterion_add(
            procurement=procurement,
            name="Social value",
            kind=Criterion.Kind.SOCIAL_VALUE,
            weight=10,
            by=lead,
        ),
    }
    for number, key, weight, codes, text in COMMUNITY_QUESTIONS:
        procurement_services.question_add(
            criterion=criteria[key],
            number=number,
            text=text,
            by=lead,
            weight=weight,
            requirements=[requirements[c] for c in codes],
        )
    published_on = _working_day(as_of - dt.timedelta(days=70))
    procurement_services.procurement_publish(
        procurement=procurement,
        bid_deadline=_at(_working_day(as_of + dt.timedelta(days=56)), 12),
        clarification_deadline=_at(_working_day(as_of + dt.timedelta(days=28)), 17),
        by=lead,
        now=_at(published_on, 9),
    )
    procurement_services.stage_set(
        procurement=procurement, stage="Selection: conditions of participation", by=lead
    )
    acted_at = _at(published_on + dt.timedelta(days=3), 10)
    for name in COMMUNITY_INTEREST:
        bidding_services.interest_register(
            procurement=procurement, by=bidders.user(orgs[name]), at=acted_at
        )
    for name, question, answer in COMMUNITY_CLARIFICATIONS:
        clarification = bidding_services.clarification_ask(
            procurement=procurement, question=question, by=bidders.user(orgs[name]), at=acted_at
        )
        if answer:
            bidding_services.clarification_answer(
                clarification=clarification, answer=answer, publish=True, by=lead
            )
    procurement_services.procurement_transition(
        procurement=procurement,
        to_state=State.DIALOGUE,
        by=lead,
        note="Selection done: six of the eight interested providers met the conditions of "
        "participation and are invited to dialogue.",
    )
    procurement_services.stage_set(procurement=procurement, stage="Dialogue round 1", by=lead)
    return procurement


# ---------------------------------------------------------------------------------------------


def procurements_build(
    *, as_of: dt.date, orgs: dict[str, Organisation], contracts: list[Contract], rng, password_hash
) -> ProcurementsSummary:
    users = {u.username: u for u in User.objects.filter(organisation__isnull=False)}
    bidders = _Bidders(password_hash)
    home = _home_care(
        as_of=as_of, orgs=orgs, users=users, contracts=contracts, rng=rng, bidders=bidders
    )
    community = _community(
        as_of=as_of, orgs=orgs, users=users, contracts=contracts, bidders=bidders
    )
    awards = Award.objects.filter(lot__procurement=home)
    return ProcurementsSummary(
        references=[home.reference, community.reference],
        bids=sum(lot.bids.count() for lot in home.lots.all()),
        bidders=len(HOME_CARE_BIDDERS),
        awards=awards.count(),
        contracts=awards.filter(contract__isnull=False).count(),
        interests=home.interests.count() + community.interests.count(),
    )
