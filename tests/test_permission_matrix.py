"""Every URL of the app x every role x GET and POST, with the answer written down for each.

The URLs come from the resolver, so a new URL without a row here fails the test. 'login' is a redirect to sign in.
"""

import datetime

import pytest
from django.test import Client

from accounts import roles
from cld.events import Period
from cld.runs import queue_run
from tests.conftest import app_urls, case_routes
from tests.factories import UserFactory, make_form

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "practitioner", "manager", "form_admin", "data_team", "head_of_service", "governance")
# url name: {method: answers for the roles above, in that order}
MATRIX = {
    "dashboards:my-forms": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    "healthz": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 405 405"},
    "accessibility": {"GET": "200 200 200 200 200 200 200", "POST": "405 405 405 405 405 405 405"},
    "login": {"GET": "200 302 302 302 302 302 302", "POST": "200 302 302 302 302 302 302"},
    "logout": {"GET": "login 405 405 405 405 405 405", "POST": "login login login login login login login"},
    "password_change": {"GET": "login 200 200 200 200 200 200", "POST": "login 200 200 200 200 200 200"},
    "password_change_done": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    "cases:case-list": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    "cases:case-detail": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    # who viewed a record: information governance, and the managers of the case's team (none of these: 403)
    "cases:record-accesses": {"GET": "login 403 403 403 403 403 200", "POST": "login 405 405 405 405 405 405"},
    # everything held on a person, as one file: information governance's alone (an empty POST produces it)
    "forms:subject-access": {"GET": "login 403 403 403 403 403 200", "POST": "login 403 403 403 403 403 200"},
    # breaking the glass of a record not restricted opens nothing and records nothing: back to the record
    "cases:break-glass": {"GET": "login 405 405 405 405 405 405", "POST": "login 302 302 302 302 302 302"},
    # the breaks of the glass: information governance reviews them
    "cases:broken-glass": {"GET": "login 403 403 403 403 403 200", "POST": "login 405 405 405 405 405 405"},
    "forms:case-forms": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    # only roles that record forms may create one (an empty POST is answered with the errors)
    "forms:form-new": {"GET": "login 200 200 403 403 403 403", "POST": "login 200 200 403 403 403 403"},
    # everyone signed in may read a form; an empty POST from an editor is a stale page (409), others are refused (302)
    "forms:form-edit": {"GET": "login 200 200 200 200 200 200", "POST": "login 409 409 302 302 302 302"},
    "forms:form-history": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    # cloning an In Progress form is refused with a message for everyone
    "forms:form-clone": {"GET": "login 405 405 405 405 405 405", "POST": "login 302 302 302 302 302 302"},
    # printing takes a client's record out of the system: practitioners and managers only
    "forms:form-print": {"GET": "login 200 200 403 403 200 403", "POST": "login 200 200 403 403 200 403"},
    "forms:print-history": {"GET": "login 200 200 200 200 200 200", "POST": "login 405 405 405 405 405 405"},
    "dashboards:dashboard-list": {"GET": "login 403 200 403 403 200 403", "POST": "login 405 405 405 405 405 405"},
    "dashboards:sign-off": {"GET": "login 403 200 403 403 200 403", "POST": "login 405 405 405 405 405 405"},
    "dashboards:sign-off-list": {"GET": "login 403 200 403 403 200 403", "POST": "login 403 200 403 403 200 403"},
    "dashboards:teams": {"GET": "login 403 200 403 403 200 403", "POST": "login 405 405 405 405 405 405"},
    "dashboards:deputy-new": {"GET": "login 405 405 405 405 405 405", "POST": "login 403 404 403 403 404 403"},
    "dashboards:deputy-end": {"GET": "login 405 405 405 405 405 405", "POST": "login 403 404 403 403 404 403"},
    "cld:extract": {"GET": "login 403 403 403 200 403 403", "POST": "login 403 403 403 200 403 403"},
    # the extract's runs and their files: the data team's alone
    "cld:runs": {"GET": "login 403 403 403 200 403 403", "POST": "login 405 405 405 405 405 405"},
    "cld:run": {"GET": "login 403 403 403 200 403 403", "POST": "login 405 405 405 405 405 405"},
    "cld:run-progress": {"GET": "login 403 403 403 200 403 403", "POST": "login 405 405 405 405 405 405"},
    "cld:run-file": {"GET": "login 403 403 403 200 403 403", "POST": "login 405 405 405 405 405 405"},
}
ADMIN = {"GET": "302 403 403 200 403 403 403"}


@pytest.fixture
def people():
    return {
        "anonymous": None,
        "practitioner": UserFactory(username="p", roles=[roles.PRACTITIONER]),
        "manager": UserFactory(username="m", roles=[roles.MANAGER]),
        "form_admin": UserFactory(username="fa", is_staff=True, roles=[roles.FORM_ADMINISTRATOR]),
        "data_team": UserFactory(username="dt", roles=[roles.DATA_TEAM]),
        "head_of_service": UserFactory(username="hos", roles=[roles.HEAD_OF_SERVICE]),
        "governance": UserFactory(username="ig", roles=[roles.INFORMATION_GOVERNANCE]),
    }


def answer(response):
    if response.status_code == 302 and response.url.startswith("/accounts/login/"):
        return "login"
    return str(response.status_code)


def test_every_url_every_role_every_method(people, settings):
    worker = UserFactory(username="worker", roles=[roles.PRACTITIONER])
    form = make_form(status="in_progress", responsible_user=worker)
    settings.CLD_LA_CODE, settings.JOBS_QUEUED = "384", False
    run = queue_run(period=Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)), release=2)
    assert run.state == "done"
    samples = {
        "cases": {"pk": form.case_id},
        "forms": {"pk": form.pk},
        "cld": {"pk": run.pk, "kind": "extract"},
        "dashboards": {"pk": 999999},  # no such team or deputy: a manager is told so (404)
    }
    urls = list(app_urls({**samples, **case_routes(form.case_id)}))
    missing = sorted({name for name, _ in urls} - set(MATRIX))
    assert not missing, f"URLs with no row in the permission matrix: {missing}"
    mismatches = []
    for name, path in urls:
        for method, expected in MATRIX[name].items():
            for role, want in zip(ROLES, expected.split(), strict=True):
                client = Client()
                if people[role]:
                    client.force_login(people[role])
                response = client.get(path) if method == "GET" else client.post(path, {})
                if answer(response) != want:
                    mismatches.append(f"{method} {name} as {role}: {answer(response)}, expected {want}")
    assert not mismatches, "\n".join(mismatches)
    assert set(MATRIX) == {name for name, _ in urls}, "rows for URLs that no longer exist"


def test_admin_index_by_role(people):
    for role, want in zip(ROLES, ADMIN["GET"].split(), strict=True):
        client = Client()
        if people[role]:
            client.force_login(people[role])
        assert str(client.get("/admin/").status_code) == want, role


# The pages of a restricted person's record, for every role: the plain restricted page (403) but for information
# governance (none of these roles is allowed by name or team here)
RESTRICTED = {
    "cases:case-detail": "login 403 403 403 403 403 200",
    "forms:case-forms": "login 403 403 403 403 403 200",
    "forms:form-edit": "login 403 403 403 403 403 200",
    "forms:form-history": "login 403 403 403 403 403 200",
    "forms:print-history": "login 403 403 403 403 403 200",
    "forms:form-print": "login 403 403 403 403 403 403",  # information governance does not print
    "forms:form-new": "login 403 403 403 403 403 403",  # nor record forms
    "cases:record-accesses": "login 403 403 403 403 403 200",
    "forms:subject-access": "login 403 403 403 403 403 200",
}


def test_a_restricted_record_for_every_role(people):
    worker = UserFactory(username="worker", roles=[roles.PRACTITIONER])
    form = make_form(status="in_progress", responsible_user=worker)
    person = form.case.person
    person.restricted = True
    person.save()
    samples = {"cases": {"pk": form.case_id}, "forms": {"pk": form.pk}, "cld": {"pk": 1, "kind": "extract"}}
    paths = dict(app_urls({**samples, "dashboards": {"pk": 1}, **case_routes(form.case_id)}))
    mismatches = []
    for name, expected in RESTRICTED.items():
        for role, want in zip(ROLES, expected.split(), strict=True):
            client = Client()
            if people[role]:
                client.force_login(people[role])
            got = answer(client.get(paths[name]))
            if got != want:
                mismatches.append(f"GET {name} as {role}: {got}, expected {want}")
    assert not mismatches, "\n".join(mismatches)
