from django.urls import path

from . import payment_views

# Included at /performance/payments/ under the app_name "performance".
urlpatterns = [
    path("", payment_views.statement_list, name="statements"),
    path("issue/", payment_views.statement_issue, name="statement-issue"),
    path("<int:pk>/", payment_views.statement_detail, name="statement"),
    path("<int:pk>/reissue/", payment_views.statement_reissue, name="statement-reissue"),
    path("<int:pk>/dispute/", payment_views.dispute_raise, name="dispute-raise"),
    path("<int:pk>/accept/", payment_views.statement_accept, name="statement-accept"),
    path("<int:pk>/notes/", payment_views.note_add, name="statement-note"),
    path("<int:pk>/remove/", payment_views.adjustment_remove, name="adjustment-remove"),
    path("disputes/<int:pk>/resolve/", payment_views.dispute_resolve, name="dispute-resolve"),
    path("terms/<int:contract_pk>/", payment_views.terms, name="terms"),
]
