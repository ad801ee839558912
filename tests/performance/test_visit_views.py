"""Visit pages: who sees imports and visits, uploading through the task queue, and a provider
seeing only its own visits."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tendercare.performance.models import VisitImport
from tendercare.performance.visits import visit_import

from .conftest import IMMEDIATE_TASKS
from .test_visit_import import GOOD, csv_bytes


def visit_ids(response) -> set[str]:
    """The visit ids in the table's row headers: matching the page's whole text could find
    "V3" inside a random CSP nonce."""
    return set(
        re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>', response.content.decode()
        )
    )


@pytest.fixture
def loaded(medway, commissioner):
    vi = visit_import(file=csv_bytes(GOOD), filename="march.csv", owner=medway.council, by=None)
    assert vi.status == VisitImport.Status.DONE
    return vi


@pytest.mark.parametrize(
    ("who", "imports", "upload", "visits"),
    [
        ("commissioner", 200, 200, 200),
        ("councillor", 200, 403, 200),
        ("provider_user", 404, 404, 200),
        ("evaluator", 404, 404, 404),
        ("other_commissioner", 200, 200, 200),
    ],
)
def test_access_by_role(client, request, loaded, who, imports, upload, visits):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("performance:visit-imports")).status_code == imports
    assert client.get(reverse("performance:visit-upload")).status_code == upload
    assert client.get(reverse("performance:visits")).status_code == visits
    detail = client.get(reverse("performance:visit-import", args=[loaded.pk])).status_code
    assert detail == (200 if who in ("commissioner", "councillor") else 404)


def test_anonymous_people_are_sent_to_sign_in(client, loaded):
    assert client.get(reverse("performance:visits")).status_code == 302


def test_commissioner_sees_every_visit_and_only_pseudonyms(client, commissioner, loaded):
    client.force_login(commissioner)
    response = client.get(reverse("performance:visits"))
    assert visit_ids(response) == {"V1", "V2", "V3"}
    page = response.content.decode()
    assert "NHS-123" not in page and "NHS-456" not in page
    assert visit_ids(client.get(reverse("performance:visits"), {"month": "2025-04"})) == {"V3"}


def test_a_provider_sees_only_its_own_visits(client, provider_user, loaded, medway):
    client.force_login(provider_user)
    assert visit_ids(client.get(reverse("performance:visits"))) == {"V1"}
    # Asking for the other provider gives nothing, not its rows.
    response = client.get(reverse("performance:visits"), {"provider": medway.other.pk})
    assert visit_ids(response) == set() and b"No stored visits match" in response.content


def test_another_council_sees_none_of_these_visits(client, other_commissioner, loaded):
    client.force_login(other_commissioner)
    response = client.get(reverse("performance:visits"))
    assert visit_ids(response) == set() and b"No stored visits match" in response.content
    assert client.get(reverse("performance:visit-import", args=[loaded.pk])).status_code == 404


def test_upload_runs_the_import_in_the_task_queue(
    client, commissioner, medway, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client.force_login(commissioner)
    upload = SimpleUploadedFile("march.csv", csv_bytes(GOOD), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("performance:visit-upload"), {"file": upload})
    assert response.status_code == 302
    vi = VisitImport.objects.get()
    assert (vi.filename, vi.created_by, vi.status, vi.stored) == (
        "march.csv",
        commissioner,
        VisitImport.Status.DONE,
        3,
    )
    page = client.get(response.url).content.decode()
    assert "3 visits stored for 2 months" in page and 'http-equiv="refresh"' not in page


def test_a_queued_import_refreshes_its_page(client, commissioner, medway):
    client.force_login(commissioner)
    upload = SimpleUploadedFile("march.csv", csv_bytes(GOOD), content_type="text/csv")
    response = client.post(reverse("performance:visit-upload"), {"file": upload})
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page and "Queued" in page


def test_a_refused_file_lists_its_problems(client, commissioner, medway):
    bad = csv_bytes([GOOD[0].replace(",no,yes,", ",maybe,yes,")])
    vi = visit_import(file=bad, filename="bad.csv", owner=medway.council, by=commissioner)
    client.force_login(commissioner)
    page = client.get(reverse("performance:visit-import", args=[vi.pk])).content.decode()
    assert "Error: Visit import" in page and "double_up" in page and "Enter yes or no" in page


def test_upload_refuses_other_kinds_of_file(client, commissioner, medway):
    client.force_login(commissioner)
    upload = SimpleUploadedFile("notes.pdf", b"%PDF", content_type="application/pdf")
    response = client.post(reverse("performance:visit-upload"), {"file": upload})
    assert response.status_code == 200 and b"must be a CSV" in response.content
