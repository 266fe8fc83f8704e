"""Every (state, action, role) triple of the form lifecycle, allowed and refused, through the real pages."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from forms_engine.models import Form
from tests.factories import FormTypeFactory, UserFactory, make_form, question_ids

pytestmark = pytest.mark.django_db

IN_PROGRESS, COMPLETE, CLOSED = "in_progress", "complete", "closed"
ROLES = ("owner", "other_practitioner", "manager", "manager_own", "form_admin")


@pytest.fixture
def people(db):
    return {
        "owner": UserFactory(username="owner", roles=[roles.PRACTITIONER]),
        "other_practitioner": UserFactory(username="other", roles=[roles.PRACTITIONER]),
        "manager": UserFactory(username="boss", first_name="Mel", last_name="Manager", roles=[roles.MANAGER]),
        "manager_own": UserFactory(username="boss2", roles=[roles.MANAGER]),
        "form_admin": UserFactory(username="designer", is_staff=True, roles=[roles.FORM_ADMINISTRATOR]),
    }


def form_in(state, people, role):
    """A form in the given state; for 'manager_own' the acting manager is its responsible user."""
    responsible = people["manager_own"] if role == "manager_own" else people["owner"]
    return make_form(status=state, responsible_user=responsible, manager=people["manager"])


def post_action(client, form, action):
    summary = f"q{question_ids(form.form_type)['Summary']}"
    today = timezone.localdate().isoformat()
    if action == "clone":
        return client.post(reverse("forms:form-clone", args=[form.pk]))
    data = {"revision": form.revision, summary: "Updated summary"}
    data |= {
        "save": {"status": IN_PROGRESS},
        "complete": {"status": COMPLETE},
        "close": {"status": CLOSED, "closed_on": today, "closed_by_name": "Mel Manager"},
        "return": {"status": IN_PROGRESS, "return_reason": "Please add the date seen."},
    }[action]
    return client.post(reverse("forms:form-edit", args=[form.pk]), data)


# (state, action) -> roles allowed; every other role is refused.
RECORDERS = {"owner", "other_practitioner", "manager", "manager_own"}
ALLOWED = {
    (IN_PROGRESS, "save"): RECORDERS,
    # "Return" on an In Progress form posts Status = In Progress: an ordinary save, and nothing is returned.
    (IN_PROGRESS, "return"): RECORDERS,
    (IN_PROGRESS, "complete"): RECORDERS,
    (COMPLETE, "close"): {"manager"},
    (COMPLETE, "return"): {"manager"},
    (CLOSED, "clone"): RECORDERS,
}
EXPECTED_STATE = {"save": IN_PROGRESS, "complete": COMPLETE, "close": CLOSED, "return": IN_PROGRESS}
CASES = [
    (state, action, role)
    for state in (IN_PROGRESS, COMPLETE, CLOSED)
    for action in ("save", "complete", "close", "return", "clone")
    for role in ROLES
]


@pytest.mark.parametrize(("state", "action", "role"), CASES)
def test_lifecycle_triple(client, people, state, action, role):
    form = form_in(state, people, role)
    before = Form.objects.get(pk=form.pk)
    history_before = form.history.count()
    forms_before = Form.objects.count()
    client.force_login(people[role])

    response = post_action(client, form, action)

    after = Form.objects.get(pk=form.pk)
    allowed = role in ALLOWED.get((state, action), set())
    if allowed and action == "clone":
        clone = Form.objects.exclude(pk=form.pk).get()
        assert clone.status == IN_PROGRESS and clone.cloned_from == after and clone.answers == after.answers
        assert response.url == clone.get_absolute_url()
    elif allowed:
        assert response.status_code == 302
        assert after.status == EXPECTED_STATE[action]
        assert after.revision == before.revision + 1
        assert form.history.count() == history_before + 1
        assert bool(after.returned_reason) == ((state, action) == (COMPLETE, "return"))
    else:
        assert (after.status, after.revision, after.answers) == (before.status, before.revision, before.answers)
        assert form.history.count() == history_before
        assert Form.objects.count() == forms_before
        if response.status_code == 200:  # refused by the Status field: the error is shown beside it
            html = response.content.decode()
            assert "There is a problem" in html
            assert "Select a valid choice" in html or "Give the reason for returning" in html
        else:
            assert response.status_code == 302
            texts = [str(m) for m in get_messages(response.wsgi_request)]
            assert texts and any(
                word in texts[0] for word in ("cannot", "Only", "read-only", "not allow", "Nothing changed")
            ), texts


def test_complete_without_required_answers_stays_in_progress_and_lists_them(client, practitioner):
    form = make_form(responsible_user=practitioner, answers={})
    client.force_login(practitioner)
    date_field = f"q{question_ids(form.form_type)['Date seen']}"
    response = client.post(
        reverse("forms:form-edit", args=[form.pk]),
        {"revision": form.revision, "status": COMPLETE, date_field: "2026-01-02"},
    )
    html = response.content.decode()
    form.refresh_from_db()
    assert response.status_code == 200
    assert form.status == IN_PROGRESS
    assert "There is a problem" in html and "Summary: Answer this question to set the form Complete." in html
    assert form.answers == {str(question_ids(form.form_type)["Date seen"]): "2026-01-02"}  # typing kept and saved
    assert 'value="2026-01-02"' in html


def test_complete_closes_automatically_when_no_sign_off_needed(client, practitioner):
    form = make_form(responsible_user=practitioner, form_type=FormTypeFactory(requires_sign_off=False))
    client.force_login(practitioner)
    post_action(client, form, "complete")
    form.refresh_from_db()
    assert form.status == CLOSED
    assert form.closed_on == timezone.localdate() and form.closed_by is None
    assert form.history.first().history_change_reason.startswith("Set Complete; closed automatically")


def test_complete_form_needing_sign_off_is_read_only_for_practitioner(client, practitioner):
    form = make_form(status=COMPLETE, responsible_user=practitioner)
    client.force_login(practitioner)
    html = client.get(reverse("forms:form-edit", args=[form.pk])).content.decode()
    assert "View only" in html and 'name="status"' not in html and "<textarea" not in html


def test_manager_may_close_own_form_when_type_allows(client, manager):
    form = make_form(status=COMPLETE, responsible_user=manager, form_type=FormTypeFactory(self_sign_off_allowed=True))
    client.force_login(manager)
    post_action(client, form, "close")
    form.refresh_from_db()
    assert form.status == CLOSED and form.closed_by == manager


def test_close_records_name_date_and_who(client, practitioner, manager):
    form = make_form(status=COMPLETE, responsible_user=practitioner)
    client.force_login(manager)
    page = client.get(reverse("forms:form-edit", args=[form.pk])).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page and 'value="Mel Manager"' in page  # defaults
    response = client.post(
        reverse("forms:form-edit", args=[form.pk]),
        {
            "revision": form.revision,
            "status": CLOSED,
            "closed_on": timezone.localdate().isoformat(),
            "closed_by_name": "M. Manager",
        },
    )
    form.refresh_from_db()
    assert response.status_code == 302
    assert (form.status, form.closed_by_name, form.closed_by, form.closed_on) == (
        CLOSED,
        "M. Manager",
        manager,
        timezone.localdate(),
    )
    assert form.closed_at is not None
    html = client.get(reverse("forms:form-edit", args=[form.pk])).content.decode()
    assert f"{timezone.localdate():%d/%m/%Y} by M. Manager" in html


@pytest.mark.parametrize(
    ("closed_on", "name", "error"),
    [
        ("2000-01-01", "Mel", "cannot be before the date the form was completed"),
        ((timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "Mel", "cannot be in the future"),
        ("", "Mel", "Enter the closing date"),
        ("not-a-date", "Mel", "Enter a valid date"),
        (timezone.localdate().isoformat(), "   ", "Enter the name of the person closing"),
    ],
)
def test_close_refuses_bad_date_or_name(client, practitioner, manager, closed_on, name, error):
    form = make_form(status=COMPLETE, responsible_user=practitioner)
    client.force_login(manager)
    response = client.post(
        reverse("forms:form-edit", args=[form.pk]),
        {"revision": form.revision, "status": CLOSED, "closed_on": closed_on, "closed_by_name": name},
    )
    form.refresh_from_db()
    assert response.status_code == 200 and form.status == COMPLETE
    assert error in response.content.decode()


def test_return_needs_a_reason_which_the_practitioner_then_sees(client, practitioner, manager):
    form = make_form(status=COMPLETE, responsible_user=practitioner)
    client.force_login(manager)
    url = reverse("forms:form-edit", args=[form.pk])
    refused = client.post(url, {"revision": form.revision, "status": IN_PROGRESS, "return_reason": " "})
    assert refused.status_code == 200 and "Give the reason for returning" in refused.content.decode()
    client.post(url, {"revision": form.revision, "status": IN_PROGRESS, "return_reason": "Add the date seen."})
    form.refresh_from_db()
    assert form.status == IN_PROGRESS and form.returned_reason == "Add the date seen." and form.completed_at is None
    client.force_login(practitioner)
    html = client.get(url).content.decode()
    assert "Returned for amendment" in html and "Add the date seen." in html


def test_crafted_post_cannot_close_an_in_progress_form(client, practitioner, manager):
    form = make_form(responsible_user=practitioner)
    client.force_login(manager)
    response = client.post(
        reverse("forms:form-edit", args=[form.pk]),
        {
            "revision": form.revision,
            "status": CLOSED,
            "closed_on": timezone.localdate().isoformat(),
            "closed_by_name": "X",
        },
    )
    form.refresh_from_db()
    assert response.status_code == 200 and form.status == IN_PROGRESS and form.revision == 2
    assert "Select a valid choice" in response.content.decode()


def test_crafted_post_cannot_change_answers_of_a_complete_form(client, practitioner, manager):
    form = make_form(status=COMPLETE, responsible_user=practitioner)
    summary = f"q{question_ids(form.form_type)['Summary']}"
    client.force_login(manager)
    client.post(
        reverse("forms:form-edit", args=[form.pk]),
        {
            "revision": form.revision,
            "status": CLOSED,
            "closed_on": timezone.localdate().isoformat(),
            "closed_by_name": "Mel",
            summary: "Tampered",
        },
    )
    form.refresh_from_db()
    assert form.status == CLOSED and form.answers[summary[1:]] == "Seen at home"


def test_wrong_method_on_form_pages(client, practitioner):
    form = make_form(status=CLOSED, responsible_user=practitioner, form_type=FormTypeFactory(requires_sign_off=False))
    client.force_login(practitioner)
    assert client.get(reverse("forms:form-clone", args=[form.pk])).status_code == 405
    assert client.post(reverse("forms:form-history", args=[form.pk])).status_code == 405
    assert client.put(reverse("forms:form-edit", args=[form.pk])).status_code == 405


def test_unknown_form_is_404(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("forms:form-edit", args=[424242])).status_code == 404


def test_long_return_reason_is_kept_whole_in_history(client, practitioner, manager):
    form = make_form(status=COMPLETE, responsible_user=practitioner)
    reason = "Please expand on the risks. " * 70  # ~1,950 characters
    client.force_login(manager)
    client.post(form.get_absolute_url(), {"revision": form.revision, "status": IN_PROGRESS, "return_reason": reason})
    form.refresh_from_db()
    assert form.returned_reason == reason.strip()
    assert form.history.first().history_change_reason == f"Returned for amendment: {reason.strip()}"
