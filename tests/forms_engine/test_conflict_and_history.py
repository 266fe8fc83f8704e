import pytest
from django.test import Client
from django.urls import reverse

from forms_engine.models import Form
from tests.factories import make_form, question_ids

pytestmark = pytest.mark.django_db


def test_second_save_of_a_stale_page_shows_conflict_and_loses_nothing(practitioner, practitioner2):
    form = make_form(responsible_user=practitioner)
    summary = f"q{question_ids(form.form_type)['Summary']}"
    first, second = Client(), Client()
    first.force_login(practitioner)
    second.force_login(practitioner2)
    stale = form.revision  # both opened the form at this revision

    saved = first.post(
        form.get_absolute_url(), {"revision": stale, "status": "in_progress", summary: "First person's text"}
    )
    assert saved.status_code == 302
    conflict = second.post(
        form.get_absolute_url(), {"revision": stale, "status": "in_progress", summary: "Second person's text"}
    )

    html = conflict.content.decode()
    form.refresh_from_db()
    assert conflict.status_code == 409
    assert form.answers[summary[1:]] == "First person's text"  # not overwritten
    assert "Someone else saved this form" in html
    assert "First person&#39;s text" in html  # the saved answer
    assert "Second person&#39;s text" in html  # the unsaved one, still in the form
    assert f'name="revision" value="{form.revision}"' in html  # saving again now is a deliberate choice
    resaved = second.post(
        form.get_absolute_url(), {"revision": form.revision, "status": "in_progress", summary: "Second person's text"}
    )
    form.refresh_from_db()
    assert resaved.status_code == 302 and form.answers[summary[1:]] == "Second person's text"


def test_stale_save_after_form_was_completed_keeps_typing_visible(practitioner, practitioner2):
    form = make_form(responsible_user=practitioner)
    summary = f"q{question_ids(form.form_type)['Summary']}"
    first, second = Client(), Client()
    first.force_login(practitioner)
    second.force_login(practitioner2)
    stale = form.revision
    first.post(form.get_absolute_url(), {"revision": stale, "status": "complete", summary: "Done"})
    response = second.post(
        form.get_absolute_url(), {"revision": stale, "status": "in_progress", summary: "My late words"}
    )
    form.refresh_from_db()
    assert form.status == "complete" and form.answers[summary[1:]] == "Done"
    assert response.status_code == 302  # the form is no longer editable: refused with a message
    page = second.get(form.get_absolute_url()).content.decode()
    assert "waiting for a manager" in page


def test_missing_revision_is_treated_as_a_conflict(client, practitioner):
    form = make_form(responsible_user=practitioner)
    summary = f"q{question_ids(form.form_type)['Summary']}"
    client.force_login(practitioner)
    response = client.post(form.get_absolute_url(), {"status": "in_progress", summary: "No revision"})
    form.refresh_from_db()
    assert response.status_code == 409 and form.answers[summary[1:]] == "Seen at home"
    assert "No revision" in response.content.decode()


def test_history_records_every_step_with_field_changes(client, practitioner, manager):
    form = make_form(status="closed", responsible_user=practitioner, manager=manager)
    client.post  # noqa: B018
    client.force_login(practitioner)
    html = client.get(reverse("forms:form-history", args=[form.pk])).content.decode()
    reasons = list(form.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[0] == "Created" and reasons[1] == "Saved"
    assert reasons[2] == "Set Complete; awaiting sign-off" and reasons[3].startswith(
        f"Closed by {manager.display_name}"
    )
    users = list(form.history.order_by("history_id").values_list("history_user__username", flat=True))
    assert users == [practitioner.username, practitioner.username, practitioner.username, manager.username]
    for text in ("Created", "Set Complete; awaiting sign-off", f"Closed by {manager.display_name}"):
        assert text in html
    # field-by-field: the answer that changed, and the status moves
    assert '<th scope="row">Summary</th><td>–</td><td>Seen at home</td>' in html
    assert '<th scope="row">Status</th><td>In Progress</td><td>Complete</td>' in html
    assert '<th scope="row">Status</th><td>Complete</td><td>Closed</td>' in html
    assert f'<th scope="row">Closed by (name)</th><td>–</td><td>{manager.display_name}</td>' in html


def test_history_records_return_reason_and_clone(client, practitioner, manager):
    form = make_form(status="complete", responsible_user=practitioner)
    client.force_login(manager)
    client.post(
        form.get_absolute_url(),
        {"revision": form.revision, "status": "in_progress", "return_reason": "Needs the date."},
    )
    assert form.history.first().history_change_reason == "Returned for amendment: Needs the date."
    closed = make_form(status="closed", responsible_user=practitioner, manager=manager)
    client.post(reverse("forms:form-clone", args=[closed.pk]))
    clone = Form.objects.get(cloned_from=closed)
    assert clone.history.get().history_change_reason == f"Cloned from {closed.reference}"


@pytest.mark.parametrize("saves", [2, 40])
def test_history_page_query_count_does_not_grow(client, practitioner, django_assert_num_queries, saves):
    from forms_engine import actions

    form = make_form(responsible_user=practitioner)
    summary = str(question_ids(form.form_type)["Summary"])
    for number in range(saves):
        form = actions.save_answers(form=form, answers={summary: f"v{number}"}, revision=form.revision, by=practitioner)
    client.force_login(practitioner)
    # the session, the user, form, count, page of history with its users, the record before the page, the access log's
    # row
    with django_assert_num_queries(7):
        assert client.get(reverse("forms:form-history", args=[form.pk])).status_code == 200
