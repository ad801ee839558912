from django.urls import path

from . import views

app_name = "bidding"
# A procurement reference may contain "/", so it takes the rest of the path after fixed parts.
urlpatterns = [
    path("", views.opportunities, name="opportunities"),
    path("register/", views.provider_register, name="register"),
    path("clarifications/", views.clarifications_to_answer, name="clarifications"),
    path(
        "clarifications/<int:pk>/answer/", views.clarification_answer, name="clarification-answer"
    ),
    path("bids/<int:pk>/", views.bid_page, name="bid"),
    path("bids/<int:pk>/submit/", views.bid_submit, name="bid-submit"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="bid-withdraw"),
    path("bids/<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document-remove"),
    path("received/<path:reference>/", views.bids_received, name="received"),
    path("opportunities/<path:reference>/interest/", views.interest, name="interest"),
    path("opportunities/<path:reference>/ask/", views.ask, name="ask"),
    path("opportunities/<path:reference>/lots/<int:number>/", views.lot_bid, name="lot"),
    path("opportunities/<path:reference>/", views.opportunity, name="opportunity"),
]
