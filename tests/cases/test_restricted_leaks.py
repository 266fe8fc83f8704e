"""A restricted person never leaks through a listing or a search: every URL that lists people or forms, walked as
each user who may not open the record, shows nothing that names them (their name, LA ID, NHS number, case number)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from cld.events import Period
from cld.runs import queue_run
from dashboards.queries import WAITING_BANDS
from dashboards.views import SORTS
from forms_engine.models import Form
from tests.factories import CaseFactory, PersonFactory, TeamFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.CLD_LA_CODE, settings.JOBS_QUEUED = "384", False
    practitioner = UserFactory(username="pat", roles=[roles.PRACTITIONER])
    manager = UserFactory(username="mo", roles=[roles.MANAGER])
    team = TeamFactory(name="Locality North")
    team.members.add(practitioner)
    team.managers.add(manager)
    person = PersonFactory(given_name="Zebedee", family_name="Quartermaine", la_person_id="LA-SECRET-77")
    person.restricted = True
    person.save()
    case = CaseFactory(person=person)
    forms = [
        make_form(case=case, status="in_progress", responsible_user=practitioner),
        make_form(case=CaseFactory(person=person), status="complete", responsible_user=practitioner),
        make_form(case=CaseFactory(person=person), status="closed", responsible_user=practitioner, manager=manager),
    ]
    make_form(status="complete", responsible_user=practitioner)  # an unrestricted client beside them
    run = queue_run(period=Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)), release=2)
    nhs = person.nhs_number
    secrets = ["Zebedee", "Quartermaine", "LA-SECRET-77", nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"]
    secrets += [form.case.case_number for form in forms]
    users = {
        "practitioner": practitioner,
        "manager": manager,
        "head_of_service": UserFactory(username="hos", roles=[roles.HEAD_OF_SERVICE]),
        "data_team": UserFactory(username="dt", roles=[roles.DATA_TEAM]),
        "form_admin": UserFactory(username="fa", is_staff=True, roles=[roles.FORM_ADMINISTRATOR]),
    }
    return {"person": person, "forms": forms, "run": run, "secrets": secrets, "users": users, "case": case}


def listings(world):
    """Every URL that lists people or forms, with each of its filters, sorts and searches."""
    person, forms = world["person"], world["forms"]
    urls = [reverse("cases:case-list")]
    nhs = person.nhs_number
    for text in ("Quartermaine", "Zebedee Quartermaine", "LA-SECRET-77", nhs, forms[0].case.case_number):
        urls.append((f"{reverse('cases:case-list')}?q={text}", text))
    for show in ("all", "in_progress", "returned", "awaiting", "closed_recently"):
        urls.append(f"{reverse('dashboards:my-forms')}?show={show}")
    for group in ("type", "user", "age"):
        for team in ("", "all"):
            urls.append(f"{reverse('dashboards:sign-off')}?group={group}&team={team}")
    bars = [f"type={form.form_type_id}" for form in forms] + [f"user={forms[1].responsible_user_id}", ""]
    bars += [f"age={key}" for key, *_ in WAITING_BANDS]
    for bar in bars:
        for sort in SORTS:
            for team in ("", "all"):
                urls.append(f"{reverse('dashboards:sign-off-list')}?{bar}&sort={sort}&team={team}")
    urls += [reverse("dashboards:teams"), reverse("dashboards:dashboard-list")]
    urls += [reverse("cld:runs"), reverse("cld:run", args=[world["run"].pk]), reverse("cld:extract")]
    urls += [reverse("cases:broken-glass"), reverse("admin:index")]
    urls += [reverse("admin:cases_person_changelist"), reverse("admin:cases_case_changelist")]
    urls += [reverse("admin:forms_engine_form_changelist"), reverse("admin:cases_recordaccess_changelist")]
    urls += [f"{reverse('admin:cases_person_changelist')}?q=Quartermaine"]
    # the pages of the record itself: the plain restricted page, which names no one
    urls += [reverse("cases:case-detail", args=[world["case"].pk]), forms[0].get_absolute_url()]
    assert Form.objects.filter(case__person=person).count() == 3
    return [url if isinstance(url, tuple) else (url, None) for url in urls]


def test_no_listing_or_search_names_a_restricted_person_to_those_who_may_not_open_the_record(world):
    found, walked = [], 0
    for role, user in world["users"].items():
        client = Client()
        client.force_login(user)
        for url, typed in listings(world):
            response = client.get(url)
            walked += 1
            assert response.status_code in (200, 403, 404), (role, url, response.status_code)
            html = response.content.decode()
            # (a search shows back what was typed: the other secrets would show with the person)
            found += [
                f"{role} {url}: {secret}"
                for secret in world["secrets"]
                if secret in html and (typed is None or secret not in typed)
            ]
    assert not found, "\n".join(found)
    assert walked > 300


def test_the_walk_would_see_a_leak(world):
    """The same walk as someone allowed: the person is named (the walk above can fail)."""
    allowed = world["users"]["practitioner"]
    world["person"].allowed_users.add(allowed)
    client = Client()
    client.force_login(allowed)
    assert "Quartermaine" in client.get(f"{reverse('cases:case-list')}?q=Quartermaine").content.decode()
    assert "Quartermaine" in client.get(reverse("dashboards:my-forms")).content.decode()
    manager = world["users"]["manager"]
    world["person"].allowed_users.add(manager)
    client.force_login(manager)
    listed = client.get(f"{reverse('dashboards:sign-off-list')}?type={world['forms'][1].form_type_id}")
    assert "Quartermaine" in listed.content.decode()
