import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cases.models import Case, Person, Team
from cases.validators import validate_nhs_number, validate_postcode
from forms_engine.models import Form

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (get_user_model(), Team, Person, Case, Person.history.model, Form, Form.history.model)
    }


def test_seed_demo_twice_gives_the_same_counts(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["Person"] >= 50 and first["Case"] == first["Person"] and first["Team"] == 2
    statuses = set(Form.objects.values_list("status", flat=True))
    assert statuses == {"in_progress", "complete", "closed"}
    assert Form.objects.exclude(returned_reason="").exists() and Form.objects.exclude(cloned_from=None).exists()
    out = capsys.readouterr().out
    for username in ("practitioner", "practitioner2", "manager", "datateam", "admin"):
        assert username in out
    assert "care-demo-2026" in out


def test_seed_demo_values_are_valid(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    people = list(Person.objects.all())
    with_nhs = [person for person in people if person.nhs_number]
    assert len(with_nhs) >= 50
    for person in people:
        person.full_clean()
        if person.nhs_number:
            validate_nhs_number(person.nhs_number)
        validate_postcode(person.postcode)
    assert len({person.nhs_number for person in with_nhs}) == len(with_nhs)


def test_seed_demo_users_can_sign_in_with_their_roles(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    assert client.login(username="manager", password="care-demo-2026")
    assert get_user_model().objects.get(username="manager").has_perm("accounts.authorise_forms")
    assert not get_user_model().objects.get(username="practitioner").has_perm("accounts.authorise_forms")
    assert get_user_model().objects.get(username="admin").is_staff


def test_seed_demo_has_one_restricted_record_open_to_the_second_team(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    staff = Person.objects.get(restricted=True)
    case = staff.cases.get()
    for username, answer in (("practitioner2", 200), ("practitioner", 403), ("governance", 200)):
        assert client.login(username=username, password="care-demo-2026")
        assert client.get(case.get_absolute_url()).status_code == answer, username


def test_seed_demo_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert Person.objects.count() == 0
