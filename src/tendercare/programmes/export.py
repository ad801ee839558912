"""The milestone table as CSV or XLSX, through core.exports (which neutralises formulas)."""

from tendercare.core import exports

from .queries import MilestoneRow

HEADER = [
    "Milestone",
    "Baseline date",
    "Current date",
    "Slip (calendar days)",
    "Slip (working days, England)",
    "RAG",
    "Completed on",
    "Revisions",
    "Latest reason",
]


def milestone_table(rows: list[MilestoneRow], fmt: str) -> bytes:
    data = [
        [
            row.name,
            row.baseline,
            row.current,
            row.slip_days,
            row.slip_working_days,
            row.rag_label,
            row.completed_on,
            row.revision_count,
            row.latest_reason,
        ]
        for row in rows
    ]
    return exports.export(fmt, HEADER, data, sheet_title="Milestones")


CONTENT_TYPES = exports.CONTENT_TYPES
