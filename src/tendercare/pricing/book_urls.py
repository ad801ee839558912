from django.urls import path

from . import book_views

urlpatterns = [
    path("budget/", book_views.budget_page, name="budget"),
    path("budget/import/", book_views.budget_import, name="budget-import"),
    path("open-book/", book_views.submission_list, name="submissions"),
    path("open-book/upload/", book_views.submission_upload, name="submission-upload"),
    path("open-book/<int:pk>/", book_views.submission_detail, name="submission"),
]
