import pytest

from tendercare.core.models import AuditLog
from tendercare.organisations import services


@pytest.mark.django_db
def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_sign_in_page_has_csp_with_nonce(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_wrong_password_says_so(client, commissioner):
    response = client.post("/sign-in/", {"username": "commissioner", "password": "nope"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_sign_in_and_see_home(client, commissioner):
    from tests.factories import PASSWORD

    response = client.post("/sign-in/", {"username": "commissioner", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert "Tendercare" in home.content.decode()
    assert "govuk-logo" not in home.content.decode()  # our own header, no crown


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(signed_in):
    response = signed_in.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_history_page_shows_before_and_after(signed_in, commissioner, council):
    services.organisations_merge(
        predecessors=[services.organisation_create(name="NHS Medway CCG", kind="ccg")],
        successor=services.organisation_create(name="NHS Kent and Medway ICB", kind="icb"),
        on=__import__("datetime").date(2020, 4, 1),
        by=commissioner,
    )
    ccg = __import__("tendercare.organisations.queries", fromlist=["x"]).organisation_by_name(
        "NHS Medway CCG"
    )
    assert AuditLog.objects.filter(object_id=str(ccg.pk), action="update").count() == 1
    page = signed_in.get(f"/history/organisations.organisation/{ccg.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Merged into NHS Kent and Medway ICB" in text
    assert "merged_into_id" in text


@pytest.mark.django_db
def test_history_of_unknown_kind_is_404(signed_in):
    assert signed_in.get("/history/nope.nope/1/").status_code == 404
    assert signed_in.get("/history/organisations.organisation/abc/").status_code == 404


def test_times_show_in_uk_local_time():
    import datetime as dt

    from tendercare.core.formats import ukdatetime

    summer = dt.datetime(2026, 7, 1, 13, 0, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)
    assert ukdatetime(summer) == "1 July 2026 at 14:00"
    assert ukdatetime(winter) == "1 December 2026 at 13:00"
