import pytest

from tendercare.core.models import AuditLog
from tendercare.organisations.models import Role, User
from tests.factories import UserFactory

GOOD = {
    "username": "jo.lay",
    "first_name": "Jo",
    "last_name": "Carer",
    "email": "jo@example.org",
    "job_title": "Carer representative",
    "role": "evaluator",
    "is_lay_evaluator": "on",
    "password": "a-long-and-unusual-passphrase",
}


@pytest.fixture
def admin(db, council):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, organisation=council)


@pytest.mark.django_db
def test_only_administrators_manage_people(client, commissioner, councillor):
    for user in (commissioner, councillor):
        client.force_login(user)
        assert client.get("/organisations/people/").status_code == 403
        assert client.post("/organisations/people/", GOOD).status_code == 403
    assert not User.objects.filter(username="jo.lay").exists()


@pytest.mark.django_db
def test_administrator_adds_a_lay_evaluator(client, admin, council):
    client.force_login(admin)
    response = client.post("/organisations/people/", GOOD)
    assert response.status_code == 302
    person = User.objects.get(username="jo.lay")
    assert person.organisation == council and person.is_lay_evaluator
    assert person.check_password(GOOD["password"])
    assert AuditLog.objects.filter(object_type="organisations.user", object_id=str(person.pk))


@pytest.mark.django_db
def test_bad_person_form_says_what_to_fix_and_saves_nothing(client, admin):
    client.force_login(admin)
    bad = {**GOOD, "username": "ADMIN", "role": "provider", "password": "short", "email": "x"}
    text = client.post("/organisations/people/", bad).content.decode()
    assert "There is a problem" in text
    assert "That username is already taken" in text
    assert "Choose a role" in text
    assert "Enter an email address like name@example.org" in text
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_administrator_switches_an_account_off_but_not_their_own(client, admin, commissioner):
    client.force_login(admin)
    client.post(f"/organisations/people/{commissioner.pk}/active/", {"active": "0"})
    commissioner.refresh_from_db()
    assert not commissioner.is_active
    response = client.post(f"/organisations/people/{admin.pk}/active/", {"active": "0"})
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.django_db
def test_administrator_cannot_touch_another_councils_people(client, admin, other_commissioner):
    client.force_login(admin)
    url = f"/organisations/people/{other_commissioner.pk}/active/"
    assert client.post(url, {"active": "0"}).status_code == 404
