"""The demo's two re-procurement programmes, with the history a real one accumulates."""

from __future__ import annotations

import datetime as dt

from tendercare.organisations.models import User
from tendercare.programmes import services as programme_services
from tendercare.programmes.models import ProgrammeStatus


def _months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def programmes_build(*, as_of: dt.date, medway, icb, contracts, rng) -> int:
    icb_lead = User.objects.get(username="icb.commissioner")
    council_lead = User.objects.get(username="commissioner")

    # 1. Community services re-procurement (ICB, joint with Medway for intermediate care).
    community = programme_services.programme_create(
        owner=icb,
        name="Community services re-procurement",
        ref="KMICB-COMMUNITY-2026",
        summary="Re-procure adult community health services for Medway and Swale in lots by "
        "service line, with a dialogue stage to shape neighbourhood teams with providers.",
        status=ProgrammeStatus.ACTIVE,
        start_date=_months(as_of, -10),
        target_date=_months(as_of, 14),
        by=icb_lead,
    )
    programme_services.programme_set_contracts(
        programme=community,
        contracts=[c for c in contracts if c.reference.startswith("KM-CHS")][:12],
        by=icb_lead,
    )
    plan = [
        ("Market engagement event", -8, [], True),
        ("Patient and carer engagement closes", -5, [], True),
        (
            "Business case approved by ICB board",
            -2,
            [(42, "Six-week delay for NHS England assurance of the business case")],
            True,
        ),
        (
            "Invitation to tender published",
            1,
            [(42, "Follows the business case: six-week delay for NHS England assurance")],
            True,
        ),
        (
            "Bids due",
            3,
            [(42, "Follows the tender: six-week delay for NHS England assurance")],
            False,
        ),
        (
            "Evaluation and moderation complete",
            5,
            [(56, "Knock-on of assurance delay; lay evaluators need two more weeks for training")],
            False,
        ),
        ("Contract award decision", 6, [(56, "Knock-on of assurance delay")], False),
        ("Standstill ends", 7, [(56, "Knock-on of assurance delay")], False),
        ("Mobilisation complete", 11, [], False),
        ("New service starts", 12, [(28, "Aligned to the start of a financial quarter")], False),
    ]
    _milestones(community, as_of, plan, icb_lead)
    risks = [
        (
            "Too few bidders for an integrated contract",
            3,
            4,
            "Head of Procurement",
            "Market engagement; lots by service line considered",
            "open",
        ),
        (
            "TUPE information from the incumbent is late",
            4,
            3,
            "Contract manager",
            "Contractual request with deadline; escalation route agreed",
            "mitigating",
        ),
        (
            "Activity baseline understates demand",
            3,
            5,
            "Head of Analytics",
            "Rebase from community services data set; forecast with backtest",
            "open",
        ),
        (
            "Digital system migration during mobilisation",
            2,
            4,
            "Chief Digital Officer",
            "Data migration plan and dry run",
            "open",
        ),
    ]
    _risks(
        community,
        risks,
        icb_lead,
        review_note="Reviewed at programme board: market engagement attendance lower than planned.",
    )
    programme_services.decision_record(
        programme=community,
        title="Use the PSR competitive process",
        decision="Award through the Provider Selection Regime competitive process, one "
        "integrated contract with lots for specialist services.",
        decided_on=_months(as_of, -7),
        decided_by="ICB Executive Management Team",
        rationale="Several capable providers responded to market engagement; direct award "
        "process C criteria not met for a substantially changed service.",
        by=icb_lead,
    )
    programme_services.decision_record(
        programme=community,
        title="Include lay patient and carer evaluators",
        decision="Two lay evaluators score the quality questions on access and experience.",
        decided_on=_months(as_of, -4),
        decided_by="Programme board",
        by=icb_lead,
    )
    programme_services.lesson_record(
        programme=community,
        title="Build NHS England assurance into the baseline",
        what_happened="Assurance of the business case took six weeks that the plan did not "
        "allow for, moving every later milestone.",
        recommendation="Plan assurance as its own milestone with a six to eight week window.",
        by=icb_lead,
    )

    # 2. Home care from November 2026 (Medway Council).
    home = programme_services.programme_create(
        owner=medway,
        name="Home care from November 2026",
        ref="MED-HOMECARE-2026",
        summary="Re-commission Medway's home care by zone, each zone with a prime provider and "
        "supplementary providers, with rurality-banded rates and paid travel time.",
        status=ProgrammeStatus.ACTIVE,
        start_date=dt.date(2025, 3, 1),
        target_date=dt.date(2026, 11, 1),
        by=council_lead,
    )
    programme_services.programme_set_contracts(
        programme=home,
        contracts=[
            c
            for c in contracts
            if c.reference.startswith("HC") and c.shares.filter(organisation=medway).exists()
        ],
        by=council_lead,
    )
    home_plan = [
        ("Cost of care exercise published", dt.date(2025, 6, 30), [], True),
        (
            "Engagement with people who draw on care",
            dt.date(2025, 9, 30),
            [(21, "Extra sessions on the Hoo Peninsula where reach was low")],
            True,
        ),
        ("Cabinet approval to procure", dt.date(2025, 12, 9), [(35, "Cabinet date moved")], True),
        ("Tender published", dt.date(2026, 1, 12), [(35, "Follows cabinet approval")], True),
        (
            "Award decision",
            dt.date(2026, 5, 15),
            [(28, "Moderation took longer than planned")],
            True,
        ),
        (
            "Transition of packages complete",
            dt.date(2026, 10, 31),
            [(63, "Phased transition extended to protect continuity of care")],
            False,
        ),
        (
            "New contracts start in every zone",
            dt.date(2026, 11, 1),
            [(63, "Phased transition: zones move one at a time from January 2027")],
            False,
        ),
    ]
    for order, (name, baseline, revisions, done) in enumerate(home_plan, start=1):
        milestone = programme_services.milestone_add(
            programme=home, name=name, baseline_date=baseline, order=order * 10, by=council_lead
        )
        current = baseline
        for days, reason in revisions:
            current = current + dt.timedelta(days=days)
            programme_services.milestone_revise(
                milestone=milestone, new_date=current, reason=reason, by=council_lead
            )
        if done and current <= as_of:
            programme_services.milestone_complete(milestone=milestone, on=current, by=council_lead)
    _risks(
        home,
        [
            (
                "Providers decline rural packages in Dover",
                4,
                4,
                "Commissioning manager",
                "Isolated-band rate and paid travel time",
                "open",
            ),
            (
                "Workforce lost in transition",
                3,
                5,
                "Head of Commissioning",
                "Phased transition; TUPE guidance; retention payments",
                "mitigating",
            ),
            (
                "Electronic call monitoring data incomplete",
                3,
                3,
                "Contract manager",
                "Minimum data specification in the contract",
                "open",
            ),
        ],
        council_lead,
        review_note="Provider forum feedback: rural rates still marginal.",
    )
    programme_services.decision_record(
        programme=home,
        title="Zones with prime and supplementary providers",
        decision="Six zones, each with one prime provider and one supplementary provider.",
        decided_on=dt.date(2025, 12, 9),
        decided_by="Medway Council Cabinet",
        rationale="Reduces travel between visits and gives each zone a fallback provider.",
        by=council_lead,
    )
    programme_services.lesson_record(
        programme=home,
        title="Engage where reach is low, early",
        what_happened="Peninsula residents were under-represented in the first round.",
        recommendation="Check reach against population by ward before engagement closes.",
        by=council_lead,
    )
    return 2


def _milestones(programme, as_of, plan, by):
    for order, (name, offset, revisions, done) in enumerate(plan, start=1):
        baseline = _months(as_of, offset - 4)  # the baseline was set before the delays
        milestone = programme_services.milestone_add(
            programme=programme, name=name, baseline_date=baseline, order=order * 10, by=by
        )
        current = baseline
        for days, reason in revisions:
            current = current + dt.timedelta(days=days)
            programme_services.milestone_revise(
                milestone=milestone, new_date=current, reason=reason, by=by
            )
        if done and current <= as_of:
            programme_services.milestone_complete(milestone=milestone, on=current, by=by)


def _risks(programme, risks, by, review_note):
    created = []
    for title, likelihood, impact, owner, mitigation, status in risks:
        created.append(
            programme_services.risk_add(
                programme=programme,
                title=title,
                likelihood=likelihood,
                impact=impact,
                owner_name=owner,
                mitigation=mitigation,
                status=status,
                by=by,
            )
        )
    programme_services.risk_update(
        risk=created[0], note=review_note, likelihood=min(created[0].likelihood + 1, 5), by=by
    )
