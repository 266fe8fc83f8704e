"""Demo forms in every state on the demo cases, with plausible answers: deterministic and safe to run twice."""

import datetime
import random

from django.utils import timezone

from cases.models import Case
from forms_engine import actions
from forms_engine.models import Form, FormStatus, FormType, QuestionKind

PHRASES = (
    "Lives alone in a ground-floor flat; daughter visits most days.",
    "Would like to keep going to the lunch club on Wednesdays.",
    "Finds the stairs difficult since the fall in March.",
    "Managing personal care with prompting; struggles with meals.",
    "Carer reports feeling tired and would value a regular break.",
    "Agreed to a trial of a perching stool and a second stair rail.",
    "Wants to stay at home and be as independent as possible.",
    "GP and district nurse are involved; no safeguarding concerns raised.",
)
# (share of demo cases, what happens to the form)
PLAN = ["in_progress", "complete", "returned", "closed", "closed", "cloned", "in_progress", "complete"]


def answer(question, rng, today):
    kind = question["kind"]
    if kind == QuestionKind.DATE:
        return (today - datetime.timedelta(days=rng.randint(1, 60))).isoformat()
    if kind == QuestionKind.NUMBER:
        return str(rng.randint(1, 20))
    if kind == QuestionKind.YES_NO:
        return rng.choice(["Yes", "No"])
    if kind == QuestionKind.SINGLE_CHOICE:
        return rng.choice(question["choices"])
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return sorted(rng.sample(question["choices"], k=min(2, len(question["choices"]))))
    if kind == QuestionKind.SHORT_TEXT:
        return rng.choice(["Daughter (Anne)", "Mr and Mrs Patel", "British Sign Language", "Key safe code with family"])
    return rng.choice(PHRASES)


def seed_forms(users, block_columns):
    """Add a few forms to each demo case that has none; return how many forms were created.

    `block_columns(form, rng)` gives the columns of a form's blocks (the CLD block, from cld.demo), as a practitioner
    would have filled them in.
    """
    rng = random.Random(20231101)  # noqa: S311 - demo data
    today = timezone.localdate()
    form_types = list(FormType.objects.active().filter(has_cld_section=True).order_by("name"))
    signed_off = [form_type for form_type in form_types if form_type.requires_sign_off] or form_types
    # each practitioner's forms signed off by their own team's manager
    managers = {users["practitioner"].pk: users["manager"], users["practitioner2"].pk: users["manager2"]}
    created = 0
    cases = Case.objects.filter(person__la_person_id__startswith="2000").select_related("responsible_user")
    for index, case in enumerate(cases.order_by("person__la_person_id")):
        if case.forms.exists() or not form_types:
            continue
        worker = case.responsible_user or users["practitioner"]
        for offset in range(1 + index % 2):
            outcome = PLAN[(index + offset) % len(PLAN)]
            # Forms that wait for a manager (or come back from one) are of types that need sign-off.
            choices = signed_off if outcome in ("complete", "returned") else form_types
            form_type = choices[(index // 2 + offset * 5) % len(choices)]
            manager = managers.get(worker.pk, users["manager"])
            created += _seed_one(case, form_type, outcome, worker, manager, rng, today, block_columns)
    return created


def _seed_one(case, form_type, outcome, worker, manager, rng, today, block_columns):
    form = actions.create_form(case=case, form_type=form_type, responsible_user=worker, by=worker)
    answers = {str(q["id"]): answer(q, rng, today) for q in form.version.questions()}
    columns = block_columns(form, rng)
    if outcome == "in_progress":
        answers = dict(list(answers.items())[: len(answers) // 2])
        columns = {
            column: value
            for column, value in columns.items()
            if column in ("cld_event_type_id", "cld_event_description")
        }
    form = actions.save_answers(form=form, answers=answers, revision=form.revision, by=worker, columns=columns)
    count = 1
    if outcome != "in_progress":
        form = actions.complete_form(form=form, answers=answers, revision=form.revision, by=worker, columns=columns)
    if outcome == "returned" and form.status == FormStatus.COMPLETE:
        form = actions.return_form(
            form=form, revision=form.revision, by=manager, reason="Please add who took part in the review."
        )
    if outcome in ("closed", "cloned") and form.status == FormStatus.COMPLETE:
        form = actions.close_form(
            form=form, revision=form.revision, by=manager, closed_on=today, name=manager.display_name
        )
    if outcome == "cloned" and form.status == FormStatus.CLOSED:
        actions.clone_form(form=form, by=worker)
        count += 1
    # Spread the dates over recent weeks so lists and waiting times look like a working team's.
    days_ago = rng.randint(0, 20)
    started = today - datetime.timedelta(days=days_ago + rng.randint(0, 10))
    changes = {"start_date": started}
    if form.cld_event_start:
        changes["cld_event_start"] = started
    if form.completed_at:
        changes["completed_at"] = form.completed_at - datetime.timedelta(days=days_ago)
        if form.cld_event_end:
            changes["cld_event_end"] = timezone.localtime(changes["completed_at"]).date()
    if form.closed_on:
        changes["closed_on"] = form.closed_on - datetime.timedelta(days=rng.randint(0, days_ago))
    Form.objects.filter(pk=form.pk).update(**changes)
    return count
