from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "tendercare.bidding"
    label = "bidding"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import Bid, Clarification

        # History pages look bids up through the sealing rule: before the deadline a bid's
        # history is the provider's alone.
        history.register(Bid, queries.bids_visible_to)
        history.register(Clarification, queries.clarifications_visible_to)
