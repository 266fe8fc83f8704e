"""Every rule of a form's life is refused by forms_engine.actions itself, whoever calls it; forms only show the refusal.
And each idea has one definition: where the database says it too (a condition, an expression), both agree."""

import datetime
import itertools

import pytest
from django.utils import timezone

from accounts import roles
from forms_engine import actions
from forms_engine.models import RETURNED, Form, FormStatus, PrintRecord, reference_expression, reference_for
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, make_form, question_ids

pytestmark = pytest.mark.django_db


def test_complete_form_refuses_a_missing_required_answer_and_saves_nothing(practitioner):
    form = make_form(responsible_user=practitioner, answers={})
    summary = question_ids(form.form_type)["Summary"]
    date_seen = question_ids(form.form_type)["Date seen"]
    with pytest.raises(actions.FormIncomplete) as refused:
        actions.complete_form(
            form=form, answers={str(date_seen): "2026-11-01"}, revision=form.revision, by=practitioner
        )
    assert refused.value.questions == [summary] and refused.value.blocks == {}
    stored = Form.objects.get(pk=form.pk)
    assert stored.status == FormStatus.IN_PROGRESS and stored.answers == {} and stored.revision == form.revision
    done = actions.complete_form(form=form, answers={str(summary): "Seen"}, revision=form.revision, by=practitioner)
    assert done.status == FormStatus.COMPLETE


@pytest.mark.parametrize(
    ("closed_on", "name", "field", "message"),
    [
        (None, "Mel", "closed_on", "Enter the closing date"),
        (timezone.localdate() + datetime.timedelta(days=1), "Mel", "closed_on", "cannot be in the future"),
        (datetime.date(2000, 1, 1), "Mel", "closed_on", "cannot be before the date the form was completed"),
        (timezone.localdate(), "   ", "closed_by_name", "Enter the name of the person closing"),
    ],
)
def test_close_form_refuses_a_bad_date_or_name_naming_the_field(practitioner, manager, closed_on, name, field, message):
    form = make_form(status="complete", responsible_user=practitioner)
    with pytest.raises(actions.ActionRefused, match=message) as refused:
        actions.close_form(form=form, revision=form.revision, by=manager, closed_on=closed_on, name=name)
    assert refused.value.field == field
    assert Form.objects.get(pk=form.pk).status == FormStatus.COMPLETE


def test_return_form_refuses_a_blank_reason_naming_the_field(practitioner, manager):
    form = make_form(status="complete", responsible_user=practitioner)
    with pytest.raises(actions.ActionRefused, match="Give the reason") as refused:
        actions.return_form(form=form, revision=form.revision, by=manager, reason=" \n ")
    assert refused.value.field == "return_reason" and Form.objects.get(pk=form.pk).status == FormStatus.COMPLETE


@pytest.mark.parametrize("role", [roles.DATA_TEAM, roles.FORM_ADMINISTRATOR])
def test_print_form_refuses_a_role_that_may_not_print(practitioner, role):
    form = make_form(responsible_user=practitioner)
    section_ids = [section["id"] for section in form.version.sections]
    history = form.history.count()
    with pytest.raises(actions.ActionRefused, match="does not allow you to print"):
        actions.print_form(form=form, section_ids=section_ids, comment="", by=UserFactory(roles=[role]))
    assert not PrintRecord.objects.exists() and form.history.count() == history
    content, record = actions.print_form(form=form, section_ids=section_ids, comment="", by=practitioner)
    assert content.startswith(b"PK") and record.printed_by == practitioner


def test_create_form_refuses_a_responsible_user_who_does_not_record_forms(practitioner):
    with pytest.raises(actions.ActionRefused, match="someone who records forms") as refused:
        actions.create_form(
            case=CaseFactory(),
            form_type=FormTypeFactory(),
            responsible_user=UserFactory(roles=[roles.DATA_TEAM]),
            by=practitioner,
        )
    assert refused.value.field == "responsible_user" and not Form.objects.exists()


def test_returned_is_one_idea_for_a_form_and_for_the_database(practitioner):
    form_type = FormTypeFactory(multiple_open_allowed=True)
    case = CaseFactory()
    made = []
    for status, reason in itertools.product(FormStatus.values, ["", "Please add more."]):
        form = make_form(status="in_progress", case=case, form_type=form_type, responsible_user=practitioner)
        completed = None if status == FormStatus.IN_PROGRESS else timezone.now()
        closed = status == FormStatus.CLOSED
        Form.objects.filter(pk=form.pk).update(
            status=status,
            returned_reason=reason,
            completed_at=completed,
            closed_on=timezone.localdate() if closed else None,
            closed_at=completed if closed else None,
            closed_by_name="M" if closed else "",
        )
        made.append(form.pk)
    returned_in_database = set(Form.objects.filter(RETURNED).values_list("pk", flat=True))
    returned_in_python = {form.pk for form in Form.objects.filter(pk__in=made) if form.is_returned}
    assert returned_in_database == returned_in_python and len(returned_in_python) == 1


def test_every_status_has_its_badge():
    assert {status: status.badge for status in FormStatus} == {
        FormStatus.IN_PROGRESS: "primary",
        FormStatus.COMPLETE: "warning",
        FormStatus.CLOSED: "secondary",
    }


@pytest.mark.parametrize("pk", [1, 42, 9_999_999, 10_000_000, 123_456_789])
def test_the_reference_is_one_idea_for_a_form_and_for_the_database(practitioner, pk):
    form = make_form(responsible_user=practitioner)
    Form.objects.filter(pk=form.pk).update(id=pk)
    assert Form.objects.filter(pk=pk).annotate(ref=reference_expression()).get().ref == reference_for(pk)
