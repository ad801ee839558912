from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "tendercare.bidding"
    label = "bidding"
