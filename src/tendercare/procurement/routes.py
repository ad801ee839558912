"""The procurement routes as data, and a route advisor that explains itself. Pure, no Django.

Two regimes apply to what Tendercare buys:

- Procurement Act 2023 (the Act): social care such as home care, and anything else that is not
  a relevant health care service. Home care is a light touch service (section 9 of the Act and
  Schedule 1 to the Procurement Regulations 2024), so the threshold is the light touch one.
- Health Care Services (Provider Selection Regime) Regulations 2023 (PSR, SI 2023/1348):
  relevant health care services such as community health services.

Sources (read in 2026):
- Notice types: Find a Tender, "Notice types and sequences",
  https://www.find-tender.service.gov.uk/Home/NoticeTypes (UK1 to UK12 below; UK13 onwards are
  dynamic market notices, which Tendercare does not run). The names match the Act's sections
  (s.93 pipeline, s.17 preliminary market engagement, s.21 tender, s.44 transparency, s.50
  contract award, s.53 contract details, s.69 payments compliance, s.71 contract performance,
  s.75 contract change, s.80 contract termination, s.55 procurement termination).
- Standstill under the Act: section 51(2), "the period of eight working days beginning with the
  day on which a contract award notice is published"; GOV.UK guidance "Contract Award Notices and
  Standstill", https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents-
  procure-phase/guidance-contract-award-notices-and-standstill-html
- Standstill under the PSR: regulation 12(2)-(3), https://www.legislation.gov.uk/uksi/2023/1348/
  regulation/12/made : the period "begins on the day after the day a notice of intention to award
  ... is published" and representations may be made "before midnight at the end of the 8th
  working day after the day the standstill period begins".
- PSR processes: regulation 6 (which process applies) and regulations 7-11; key criteria:
  regulation 5. https://www.legislation.gov.uk/uksi/2023/1348/contents/made
- Thresholds (inclusive of VAT): GOV.UK "Guidance: Thresholds", https://www.gov.uk/government/
  publications/procurement-act-2023-guidance-documents/guidance-thresholds-html ; light touch
  services GBP 663,540, unchanged by the Procurement Act 2023 (Threshold Amounts) (Amendment)
  Regulations 2025 from 1 January 2026, which set services bought by sub-central authorities
  (councils) at GBP 207,720.

Working days are counted on England's calendar (tendercare.core.calendar). The Act's own
definition (section 123) also excludes bank holidays in Scotland and Northern Ireland; where one
of those falls in a standstill, extend it by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tendercare.core import calendar

PROCUREMENT_ACT = "pa2023"
PROVIDER_SELECTION = "psr2023"
REGIME_NAMES = {
    PROCUREMENT_ACT: "Procurement Act 2023",
    PROVIDER_SELECTION: "Provider Selection Regime 2023",
}

THRESHOLD_SOURCE = (
    "Procurement Act 2023, Schedule 1 as amended (GOV.UK Guidance: Thresholds; threshold amounts "
    "from 1 January 2026), inclusive of VAT"
)
LIGHT_TOUCH_THRESHOLD = Decimal("663540")  # light touch services, incl. VAT
SUB_CENTRAL_SERVICES_THRESHOLD = Decimal("207720")  # other services bought by a council, incl. VAT

# --- notices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeType:
    code: str
    name: str
    purpose: str


ACT_NOTICES: dict[str, NoticeType] = {
    n.code: n
    for n in [
        NoticeType("UK1", "Pipeline notice", "Contracts the authority plans to award."),
        NoticeType(
            "UK2",
            "Preliminary market engagement notice",
            "How the authority will engage, or has engaged, with the market before tendering.",
        ),
        NoticeType(
            "UK3",
            "Planned procurement notice",
            "Early warning of a competitive procurement; can shorten the tendering period.",
        ),
        NoticeType(
            "UK4",
            "Tender notice",
            "Invites tenders or requests to participate (open or competitive flexible procedure).",
        ),
        NoticeType("UK5", "Transparency notice", "Intention to award a contract directly."),
        NoticeType(
            "UK6",
            "Contract award notice",
            "Intention to enter into the contract; the standstill period begins with it.",
        ),
        NoticeType("UK7", "Contract details notice", "The contract has been entered into."),
        NoticeType(
            "UK8", "Payments compliance notice", "Twice-yearly report on paying invoices on time."
        ),
        NoticeType(
            "UK9", "Contract performance notice", "Performance against key performance indicators."
        ),
        NoticeType("UK10", "Contract change notice", "A modification of the contract."),
        NoticeType("UK11", "Contract termination notice", "The contract has ended."),
        NoticeType(
            "UK12",
            "Procurement termination notice",
            "The authority has decided not to award the contract after a tender or transparency "
            "notice.",
        ),
    ]
}

PSR_CONTRACT_NOTICE = "psr_contract_notice"
PSR_INTENTION = "psr_intention"
PSR_AWARD = "psr_award"
PSR_NOTICES: dict[str, NoticeType] = {
    n.code: n
    for n in [
        NoticeType(
            PSR_CONTRACT_NOTICE,
            "Contract notice (Competitive Process)",
            "Invites offers from providers (regulation 11).",
        ),
        NoticeType(
            PSR_INTENTION,
            "Notice of intention to award a contract",
            "The selected provider; the standstill period begins on the day after it "
            "(regulations 9, 10, 11 and 12).",
        ),
        NoticeType(
            PSR_AWARD,
            "Contract award notice",
            "The contract has been awarded; published within 30 days (regulations 7 to 11).",
        ),
    ]
}

ALL_NOTICES: dict[str, NoticeType] = {**ACT_NOTICES, **PSR_NOTICES}

# --- PSR key criteria (regulation 5) -----------------------------------------------------------

PSR_KEY_CRITERIA: dict[str, str] = {
    "quality_innovation": "Quality and innovation",
    "value": "Value",
    "integration": "Integration, collaboration and service sustainability",
    "access": "Improving access, reducing health inequalities and facilitating choice",
    "social_value": "Social value",
}

# --- standstill -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standstill:
    trigger_notice: str  # the notice whose publication starts it
    working_days: int
    counting: str  # "act" (beginning with the notice day) or "psr" (after the day after)
    description: str

    def last_day(self, notice_date: dt.date) -> dt.date:
        """The last day of the standstill: the contract may be entered into the day after."""
        return standstill_last_day(notice_date, self.counting, self.working_days)


def standstill_last_day(notice_date: dt.date, counting: str, working_days: int = 8) -> dt.date:
    """Last day of a standstill on England's working days.

    "act": eight working days beginning with the day the notice is published (s.51(2)); if that
    day is not a working day the count begins on the next working day.
    "psr": the period begins on the day after publication and ends at midnight at the end of the
    eighth working day after that day (regulation 12).
    """
    if counting == "act":
        days = working_days - 1 if calendar.is_working_day(notice_date) else working_days
        return calendar.add_working_days(notice_date, days)
    if counting == "psr":
        begins = notice_date + dt.timedelta(days=1)
        return calendar.add_working_days(begins, working_days)
    raise ValueError(f"Unknown standstill counting {counting!r}")


ACT_STANDSTILL = Standstill(
    trigger_notice="UK6",
    working_days=8,
    counting="act",
    description="8 working days beginning with the day the UK6 contract award notice is "
    "published (Procurement Act 2023, s.51)",
)
PSR_STANDSTILL = Standstill(
    trigger_notice=PSR_INTENTION,
    working_days=8,
    counting="psr",
    description="Begins the day after the notice of intention to award is published; "
    "representations until midnight at the end of the 8th working day after that "
    "(PSR regulation 12)",
)

# --- routes ---------------------------------------------------------------------------------

OPEN = "open"
COMPETITIVE_FLEXIBLE = "competitive_flexible"
DIRECT_AWARD = "direct_award"
PSR_DIRECT_A = "psr_direct_a"
PSR_DIRECT_B = "psr_direct_b"
PSR_DIRECT_C = "psr_direct_c"
PSR_MOST_SUITABLE = "psr_most_suitable"
PSR_COMPETITIVE = "psr_competitive"


@dataclass(frozen=True)
class RouteRules:
    code: str
    name: str
    regime: str
    legal_basis: str
    competitive: bool  # providers submit tenders or offers that are evaluated against each other
    dialogue: bool  # stages such as dialogue or negotiation before final tenders
    publish_notice: str  # the notice recorded when the procurement is opened (or "")
    steps: tuple[str, ...]
    notices: tuple[str, ...]
    standstill: Standstill | None

    @property
    def regime_name(self) -> str:
        return REGIME_NAMES[self.regime]

    @property
    def notice_types(self) -> list[NoticeType]:
        return [ALL_NOTICES[code] for code in self.notices]


ROUTES: dict[str, RouteRules] = {
    r.code: r
    for r in [
        RouteRules(
            code=OPEN,
            name="Open procedure",
            regime=PROCUREMENT_ACT,
            legal_basis="Procurement Act 2023, s.20(2)(a)",
            competitive=True,
            dialogue=False,
            publish_notice="UK4",
            steps=(
                "Engage the market and publish a UK2 preliminary market engagement notice",
                "Publish the UK4 tender notice with the tender documents",
                "Answer clarification questions until the clarification deadline",
                "Receive tenders until the bid deadline (sealed until then)",
                "Assess tenders against the published award criteria and moderate",
                "Send assessment summaries and publish the UK6 contract award notice",
                "Observe the standstill period",
                "Enter into the contract and publish the UK7 contract details notice",
            ),
            notices=("UK2", "UK4", "UK6", "UK7"),
            standstill=ACT_STANDSTILL,
        ),
        RouteRules(
            code=COMPETITIVE_FLEXIBLE,
            name="Competitive flexible procedure",
            regime=PROCUREMENT_ACT,
            legal_basis="Procurement Act 2023, s.20(2)(b)",
            competitive=True,
            dialogue=True,
            publish_notice="UK4",
            steps=(
                "Engage the market and publish a UK2 preliminary market engagement notice",
                "Publish the UK4 tender notice describing every stage of the procedure",
                "Selection: assess requests to participate against the conditions of participation",
                "Dialogue or negotiation rounds with the shortlisted suppliers",
                "Invite and receive final tenders until the bid deadline (sealed until then)",
                "Assess final tenders against the award criteria and moderate",
                "Send assessment summaries and publish the UK6 contract award notice",
                "Observe the standstill period",
                "Enter into the contract and publish the UK7 contract details notice",
            ),
            notices=("UK2", "UK4", "UK6", "UK7"),
            standstill=ACT_STANDSTILL,
        ),
        RouteRules(
            code=DIRECT_AWARD,
            name="Direct award",
            regime=PROCUREMENT_ACT,
            legal_basis="Procurement Act 2023, s.41 and Schedule 5 (direct award justifications)",
            competitive=False,
            dialogue=False,
            publish_notice="UK5",
            steps=(
                "Record which direct award justification in Schedule 5 applies and why",
                "Check the supplier is not excluded",
                "Publish the UK5 transparency notice",
                "Publish the UK6 contract award notice",
                "Observe the standstill period",
                "Enter into the contract and publish the UK7 contract details notice",
            ),
            notices=("UK5", "UK6", "UK7"),
            standstill=ACT_STANDSTILL,
        ),
        RouteRules(
            code=PSR_DIRECT_A,
            name="Direct award process A",
            regime=PROVIDER_SELECTION,
            legal_basis="PSR 2023, regulations 6(3) and 7",
            competitive=False,
            dialogue=False,
            publish_notice="",
            steps=(
                "Confirm the services can be provided only by the existing provider",
                "Award the contract to the existing provider",
                "Publish the contract award notice within 30 days of the award",
            ),
            notices=(PSR_AWARD,),
            standstill=None,
        ),
        RouteRules(
            code=PSR_DIRECT_B,
            name="Direct award process B",
            regime=PROVIDER_SELECTION,
            legal_basis="PSR 2023, regulations 6(4) and 8",
            competitive=False,
            dialogue=False,
            publish_notice="",
            steps=(
                "Confirm patients choose their provider and the number of providers is not "
                "restricted",
                "Offer a contract to every provider that meets the requirements",
                "Publish the contract award notice within 30 days of each award",
            ),
            notices=(PSR_AWARD,),
            standstill=None,
        ),
        RouteRules(
            code=PSR_DIRECT_C,
            name="Direct award process C",
            regime=PROVIDER_SELECTION,
            legal_basis="PSR 2023, regulations 6(5) and 9",
            competitive=False,
            dialogue=False,
            publish_notice="",
            steps=(
                "Confirm the services are not changing considerably",
                "Assess the existing provider's performance against the key criteria and the "
                "basic selection criteria",
                "Publish the notice of intention to award",
                "Observe the standstill period and consider any representations",
                "Award the contract and publish the contract award notice within 30 days",
            ),
            notices=(PSR_INTENTION, PSR_AWARD),
            standstill=PSR_STANDSTILL,
        ),
        RouteRules(
            code=PSR_MOST_SUITABLE,
            name="Most suitable provider process",
            regime=PROVIDER_SELECTION,
            legal_basis="PSR 2023, regulations 6(6) and 10",
            competitive=False,
            dialogue=False,
            publish_notice="",
            steps=(
                "Identify the providers that could provide the services",
                "Assess them against the key criteria and the basic selection criteria",
                "Select the most suitable provider",
                "Publish the notice of intention to award",
                "Observe the standstill period and consider any representations",
                "Award the contract and publish the contract award notice within 30 days",
            ),
            notices=(PSR_INTENTION, PSR_AWARD),
            standstill=PSR_STANDSTILL,
        ),
        RouteRules(
            code=PSR_COMPETITIVE,
            name="Competitive process",
            regime=PROVIDER_SELECTION,
            legal_basis="PSR 2023, regulations 6(7) and 11",
            competitive=True,
            dialogue=False,
            publish_notice=PSR_CONTRACT_NOTICE,
            steps=(
                "Publish the contract notice inviting offers",
                "Answer clarification questions until the clarification deadline",
                "Receive offers until the bid deadline (sealed until then)",
                "Assess offers against the key criteria, the award criteria and the basic "
                "selection criteria, and moderate",
                "Publish the notice of intention to award",
                "Observe the standstill period and consider any representations",
                "Award the contract and publish the contract award notice within 30 days",
            ),
            notices=(PSR_CONTRACT_NOTICE, PSR_INTENTION, PSR_AWARD),
            standstill=PSR_STANDSTILL,
        ),
    ]
}

DIRECT_ROUTES = frozenset(code for code, r in ROUTES.items() if not r.competitive)


def route(code: str) -> RouteRules:
    try:
        return ROUTES[code]
    except KeyError:
        raise ValueError(f"Unknown route {code!r}") from None


# --- the advisor ----------------------------------------------------------------------------

HEALTHCARE = "healthcare"  # relevant health care services (PSR), e.g. community health
SOCIAL_CARE = "social_care"  # light touch social care, e.g. home care
OTHER = "other"  # other services bought by a council
SERVICE_KINDS = {
    HEALTHCARE: "Health care services in scope of the Provider Selection Regime "
    "(for example community health services)",
    SOCIAL_CARE: "Social care, such as home care (a light touch service under the Procurement Act)",
    OTHER: "Other services",
}


@dataclass(frozen=True)
class Answers:
    service_kind: str
    estimated_value: Decimal = Decimal("0")  # whole-life, including VAT
    only_existing_provider_capable: bool = False  # PSR A
    patient_choice: bool = False  # PSR B
    existing_provider_satisfactory_and_unchanged: bool = False  # PSR C
    most_suitable_identifiable: bool = False  # PSR most suitable provider
    needs_dialogue: bool = False  # Act: competitive flexible
    direct_award_justified: bool = False  # Act: a Schedule 5 justification applies

    FLAGS = (
        "only_existing_provider_capable",
        "patient_choice",
        "existing_provider_satisfactory_and_unchanged",
        "most_suitable_identifiable",
        "needs_dialogue",
        "direct_award_justified",
    )

    @classmethod
    def from_dict(cls, data: dict) -> Answers:
        """From plain values (a form, stored JSON); raises ValueError on anything unusable."""
        kind = str(data.get("service_kind") or "")
        if kind not in SERVICE_KINDS:
            raise ValueError("Choose the kind of service")
        try:
            value = Decimal(str(data.get("estimated_value") or "0"))
        except InvalidOperation:
            raise ValueError("Estimated value must be an amount in pounds") from None
        if not value.is_finite() or value < 0:
            raise ValueError("Estimated value must be zero or more")
        flags = {name: _truthy(data.get(name)) for name in cls.FLAGS}
        return cls(service_kind=kind, estimated_value=value, **flags)

    def as_dict(self) -> dict:
        data = {"service_kind": self.service_kind, "estimated_value": str(self.estimated_value)}
        data.update({name: getattr(self, name) for name in self.FLAGS})
        return data


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


@dataclass(frozen=True)
class Advice:
    recommended_route: str
    regime: str
    light_touch: bool
    above_threshold: bool
    threshold: Decimal | None
    explanation: tuple[str, ...]
    allowed_routes: tuple[str, ...]  # routes the answers permit; the first is recommended
    key_criteria: tuple[str, ...] = field(default=())

    @property
    def rules(self) -> RouteRules:
        return ROUTES[self.recommended_route]

    @property
    def steps(self) -> tuple[str, ...]:
        return self.rules.steps

    @property
    def notices(self) -> list[NoticeType]:
        return self.rules.notice_types

    @property
    def standstill(self) -> str:
        rule = self.rules.standstill
        if rule is None:
            return "No standstill period: the contract award notice follows the award."
        if self.regime == PROCUREMENT_ACT and not self.above_threshold:
            return "Below threshold the Act requires no standstill; a voluntary one may be used."
        return rule.description

    def text(self) -> str:
        return "\n".join(self.explanation)


def _gbp(amount: Decimal) -> str:
    return f"GBP {amount:,.0f}"


def advise(answers: Answers) -> Advice:
    """Recommend a route from plain answers, and say why, line by line."""
    if answers.service_kind == HEALTHCARE:
        return _advise_psr(answers)
    return _advise_act(answers)


def _advise_psr(a: Answers) -> Advice:
    lines = [
        "These are health care services in scope of the Provider Selection Regime 2023, so the "
        "Procurement Act 2023 does not apply to them (PSR regulation 3).",
    ]
    key = tuple(PSR_KEY_CRITERIA)
    if a.only_existing_provider_capable:
        lines.append(
            "Only the existing provider can provide the services, because of their nature: "
            "Direct award process A must be followed (regulation 6(3))."
        )
        return _psr(PSR_DIRECT_A, lines, (PSR_DIRECT_A,), ())
    lines.append("More than the existing provider could provide the services, so not process A.")
    if a.patient_choice:
        lines.append(
            "Patients choose their provider, the number of providers is not restricted and "
            "every provider meeting the requirements is offered a contract: Direct award "
            "process B must be followed (regulation 6(4))."
        )
        return _psr(PSR_DIRECT_B, lines, (PSR_DIRECT_B,), ())
    lines.append("Patients do not choose among unrestricted providers, so not process B.")
    if a.existing_provider_satisfactory_and_unchanged:
        lines.append(
            "The existing provider is satisfying the current contract and is likely to satisfy "
            "the new one, and the services are not changing considerably: Direct award process "
            "C may be followed (regulation 6(5)), assessing the provider against the key "
            "criteria. The most suitable provider or the competitive process remain open."
        )
        return _psr(
            PSR_DIRECT_C,
            lines,
            (PSR_DIRECT_C, PSR_MOST_SUITABLE, PSR_COMPETITIVE),
            key,
        )
    lines.append(
        "The existing provider is not satisfying the contract, or the services are changing "
        "considerably, so not process C."
    )
    if a.most_suitable_identifiable:
        lines.append(
            "You can identify the most suitable provider without running a competition, taking "
            "the likely providers into account: the most suitable provider process "
            "(regulation 6(6)). A competitive process remains open."
        )
        return _psr(PSR_MOST_SUITABLE, lines, (PSR_MOST_SUITABLE, PSR_COMPETITIVE), key)
    lines.append(
        "The most suitable provider cannot be identified without a competition: the "
        "competitive process (regulations 6(7) and 11)."
    )
    return _psr(PSR_COMPETITIVE, lines, (PSR_COMPETITIVE,), key)


def _psr(code, lines, allowed, key) -> Advice:
    lines = list(lines)
    if key:
        lines.append(
            "Decisions must weigh the key criteria (regulation 5): "
            + "; ".join(PSR_KEY_CRITERIA[k].lower() for k in key)
            + "."
        )
    rule = ROUTES[code]
    if rule.standstill:
        lines.append(f"Standstill: {rule.standstill.description}.")
    else:
        lines.append("There is no standstill period for this process.")
    return Advice(
        recommended_route=code,
        regime=PROVIDER_SELECTION,
        light_touch=False,
        above_threshold=True,
        threshold=None,
        explanation=tuple(lines),
        allowed_routes=tuple(allowed),
        key_criteria=tuple(key),
    )


def _advise_act(a: Answers) -> Advice:
    light_touch = a.service_kind == SOCIAL_CARE
    threshold = LIGHT_TOUCH_THRESHOLD if light_touch else SUB_CENTRAL_SERVICES_THRESHOLD
    above = a.estimated_value >= threshold
    lines = []
    if light_touch:
        lines.append(
            "Social care such as home care is a light touch service under the Procurement Act "
            "2023 (section 9): the light touch threshold applies and the procedure can be "
            "shaped around the people who use the service."
        )
    else:
        lines.append("These services fall under the Procurement Act 2023.")
    comparison = "at or above" if above else "below"
    lines.append(
        f"The estimated value, {_gbp(a.estimated_value)} including VAT, is {comparison} the "
        f"{'light touch' if light_touch else 'services'} threshold of {_gbp(threshold)} "
        f"({THRESHOLD_SOURCE})."
    )
    if not above:
        lines.append(
            "Below threshold this is not a public contract under the Act: the below-threshold "
            "rules in Part 6 apply. If you advertise it, publish a UK4 tender notice and do not "
            "shortlist before tenders."
        )
    if a.direct_award_justified and above:
        lines.append(
            "A direct award justification in Schedule 5 applies: award directly after a UK5 "
            "transparency notice, then a UK6 contract award notice and standstill."
        )
        code, allowed = DIRECT_AWARD, (DIRECT_AWARD, OPEN, COMPETITIVE_FLEXIBLE)
    elif a.needs_dialogue and above:
        lines.append(
            "The market needs dialogue or negotiation before final tenders: the competitive "
            "flexible procedure lets you set stages such as selection, dialogue or negotiation "
            "rounds, then final tenders."
        )
        code, allowed = COMPETITIVE_FLEXIBLE, (COMPETITIVE_FLEXIBLE, OPEN)
    else:
        if a.needs_dialogue or a.direct_award_justified:
            lines.append(
                "Below threshold the Act's procedures do not apply; a single-stage open "
                "competition is the proportionate choice."
            )
        else:
            lines.append(
                "No dialogue is needed and no direct award justification applies: the open "
                "procedure, a single stage of tenders, is the simplest compliant route."
            )
        code = OPEN
        # Below threshold nothing obliges a competition, so a direct award stays possible.
        allowed = (OPEN, COMPETITIVE_FLEXIBLE) if above else (OPEN, DIRECT_AWARD)
    rule = ROUTES[code]
    if above and rule.standstill:
        lines.append(f"Standstill: {rule.standstill.description}.")
    return Advice(
        recommended_route=code,
        regime=PROCUREMENT_ACT,
        light_touch=light_touch,
        above_threshold=above,
        threshold=threshold,
        explanation=tuple(lines),
        allowed_routes=allowed,
    )
