"""The engagement API: each area's endpoints live in its own module
(activity_api.py, feedback_api.py)."""

from ninja import Router

from .activity_api import router as activity_router
from .feedback_api import router as feedback_router

router = Router(tags=["engagement"])
router.add_router("", activity_router)
router.add_router("", feedback_router)
