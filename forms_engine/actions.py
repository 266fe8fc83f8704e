"""Every change to a form: each locks the row, checks the rules, saves once and writes one history row."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from cld.block import CldContext, cld_display, problems_for_completion
from forms_engine.models import Form, PrintRecord
from forms_engine.printing import build_docx


class ActionRefused(Exception):
    """The rules do not allow this change; the message says why, in the user's words."""


class OpenFormExists(ActionRefused):
    def __init__(self, open_form):
        self.open_form = open_form
        super().__init__(
            f"This case already has an open {open_form.form_type} form ({open_form.reference}, "
            f"{open_form.get_status_display()}). It must be Closed before another can be created."
        )


class EditConflict(Exception):
    """Someone else saved the form after this user opened it."""

    def __init__(self, current):
        self.current = current
        super().__init__("The form was changed by someone else after you opened it.")


def _lock(form, revision):
    locked = Form.objects.select_for_update().select_related("form_type", "case").get(pk=form.pk)
    if revision is not None and locked.revision != revision:
        raise EditConflict(locked)
    return locked


def _save(form, *, by, reason):
    form.revision += 1
    form._history_user = by
    form._change_reason = reason
    form.save()
    return form


def _refuse_if_open_form_exists(*, case, form_type):
    if form_type.multiple_open_allowed:
        return
    existing = Form.objects.open().filter(case=case, form_type=form_type).select_related("form_type").first()
    if existing:
        raise OpenFormExists(existing)


def _insert_new_form(form, *, by, reason):
    """Insert a new form; the database refuses a second open one of a type, even when two requests race."""
    try:
        with transaction.atomic():
            form._history_user = by
            form._change_reason = reason
            form.save()
    except IntegrityError:
        existing = Form.objects.open().filter(case=form.case, form_type=form.form_type).first()
        if existing:
            raise OpenFormExists(existing) from None
        raise
    return form


@transaction.atomic
def create_form(*, case, form_type, responsible_user, by):
    """Start a new In Progress form of the type's newest definition."""
    if not by.has_perm("accounts.record_forms"):
        raise ActionRefused("Your role does not allow you to create forms.")
    if not form_type.active:
        raise ActionRefused(f"The form type {form_type} is no longer in use.")
    _refuse_if_open_form_exists(case=case, form_type=form_type)
    form = Form(
        case=case,
        form_type=form_type,
        version=form_type.current_version(),
        single_open=not form_type.multiple_open_allowed,
        responsible_user=responsible_user,
        start_date=timezone.localdate(),
        created_by=by,
    )
    return _insert_new_form(form, by=by, reason="Created")


def _apply_answers(form, answers, cld):
    form.answers = answers
    if cld is not None and form.form_type.has_cld_section:
        for column, value in cld.items():
            setattr(form, column, value)


@transaction.atomic
def save_answers(*, form, answers, revision, by, cld=None):
    """Save the answers (and the CLD block's columns) of an In Progress form; it stays In Progress."""
    form = _lock(form, revision)
    if not form.can_edit(by):
        raise ActionRefused(refusal(form, by))
    _apply_answers(form, answers, cld)
    return _save(form, by=by, reason="Saved")


@transaction.atomic
def complete_form(*, form, answers, revision, by, cld=None):
    """Save the answers and set the form Complete; close it at once when its type needs no sign-off."""
    form = _lock(form, revision)
    if not form.can_edit(by):
        raise ActionRefused(refusal(form, by))
    _apply_answers(form, answers, cld)
    missing = problems_for_completion(form)
    if missing:
        raise ActionRefused(f"The Client Level Data section is not complete: answer {', '.join(missing)}.")
    form.complete(by=by)
    if can_proceed(form.close_automatically):
        form.close_automatically()
        return _save(form, by=by, reason="Set Complete; closed automatically (this form type needs no sign-off)")
    return _save(form, by=by, reason="Set Complete; awaiting sign-off")


@transaction.atomic
def close_form(*, form, revision, by, closed_on, name):
    """Sign off a Complete form, recording the closing date and the name of the person closing it."""
    form = _lock(form, revision)
    if form.status != Form.Status.COMPLETE:
        raise ActionRefused(f"Only a Complete form can be closed; this form is {form.get_status_display()}.")
    if not has_transition_perm(form.close, by):
        raise ActionRefused(_sign_off_refusal(form, by))
    if closed_on < form.completed_on:
        raise ActionRefused("The closing date cannot be before the date the form was completed.")
    if closed_on > timezone.localdate():
        raise ActionRefused("The closing date cannot be in the future.")
    form.close(by=by, closed_on=closed_on, name=name)
    return _save(form, by=by, reason=f"Closed by {name} on {closed_on:%d/%m/%Y}")


@transaction.atomic
def return_form(*, form, revision, by, reason):
    """Send a Complete form back to In Progress with the manager's reason."""
    form = _lock(form, revision)
    if form.status != Form.Status.COMPLETE:
        raise ActionRefused(f"Only a Complete form can be returned; this form is {form.get_status_display()}.")
    if not has_transition_perm(form.return_for_amendment, by):
        raise ActionRefused(_sign_off_refusal(form, by))
    if not reason.strip():
        raise ActionRefused("Give the reason for returning the form.")
    form.return_for_amendment(by=by, reason=reason.strip())
    return _save(form, by=by, reason=f"Returned for amendment: {reason.strip()}")


@transaction.atomic
def clone_form(*, form, by):
    """Start a new In Progress form of the same type on the same case, copying every answer of a Closed form."""
    if not by.has_perm("accounts.record_forms"):
        raise ActionRefused("Your role does not allow you to create forms.")
    if form.status != Form.Status.CLOSED:
        raise ActionRefused("Only a Closed form can be cloned.")
    form_type = form.form_type
    _refuse_if_open_form_exists(case=form.case, form_type=form_type)
    version = form_type.current_version()
    kept = {str(question["id"]) for question in version.questions()}
    cld = {field.attname: getattr(form, field.attname) for field in Form._meta.fields if field.name.startswith("cld_")}
    clone = Form(
        **cld,
        case=form.case,
        form_type=form_type,
        version=version,
        single_open=not form_type.multiple_open_allowed,
        responsible_user=by,
        start_date=timezone.localdate(),
        answers={key: value for key, value in form.answers.items() if key in kept},
        cloned_from=form,
        created_by=by,
    )
    return _insert_new_form(clone, by=by, reason=f"Cloned from {form.reference}")


@transaction.atomic
def print_form(*, form, section_ids, comment, by):
    """Produce the Word document of the chosen sections; record the print in the form's history and Print History."""
    sections = [section for section in form.version.sections if section["id"] in set(section_ids)]
    if not sections:
        raise ActionRefused("Choose at least one section to print.")
    office_chosen = any(section["office_use_only"] for section in sections)
    cld_rows = []
    if office_chosen and form.form_type.has_cld_section:
        cld_rows = cld_display(CldContext.for_form(form), form)
    printed_at = timezone.now()
    content = build_docx(
        form,
        section_ids=[section["id"] for section in sections],
        cld_rows=cld_rows,
        printed_by=by,
        printed_at=printed_at,
        comment=comment,
    )
    titles = [section["title"] for section in sections]
    record = PrintRecord.objects.create(
        form=form,
        printed_by=by,
        printed_at=printed_at,
        sections=titles,
        comment=comment,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    reason = f"Printed to Word: {', '.join(titles)}" + (f". Comment: {comment}" if comment else "")
    _history_row(form, by=by, reason=reason, when=printed_at)
    return content, record


def _history_row(form, *, by, reason, when):
    """Add a row to the form's history for something that did not change the form itself (a print)."""
    History = Form.history.model
    values = {
        field.attname: getattr(form, field.attname)
        for field in History._meta.fields
        if not field.name.startswith("history_") and hasattr(form, field.attname)
    }
    History.objects.create(**values, history_date=when, history_type="~", history_user=by, history_change_reason=reason)


def refusal(form, user):
    """Say, in the user's words, why this user cannot change this form now."""
    if form.status == Form.Status.CLOSED:
        return "This form is Closed and read-only. Clone it to start a new one."
    if form.status == Form.Status.COMPLETE:
        if user.has_perm("accounts.authorise_forms"):
            return _sign_off_refusal(form, user)
        return "This form is Complete and waiting for a manager's sign-off, so it cannot be changed."
    return "Your role does not allow you to change forms."


def _sign_off_refusal(form, user):
    if not user.has_perm("accounts.authorise_forms"):
        return "Only a user who can authorise forms can close or return a form."
    return "You are the responsible user of this form, and this form type does not allow signing off your own form."
