from django.urls import include, path

app_name = "pricing"
# Each part of pricing keeps its own URL list, so that scenarios, travel runs and open book can
# grow without stepping on each other.
urlpatterns = [
    path("", include("tendercare.pricing.scenario_urls")),
    path("travel/", include("tendercare.pricing.travel_urls")),
    path("", include("tendercare.pricing.book_urls")),
]
