"""The scrutiny API: each area's endpoints live in its own module
(committee_api.py, report_api.py)."""

from ninja import Router

from .committee_api import router as committee_router
from .report_api import router as report_router

router = Router(tags=["scrutiny"])
router.add_router("", committee_router)
router.add_router("", report_router)
