"""Every change to a form: each locks the row, checks the rules, saves once and writes one history row.

The rules live here (and in the model's transitions and constraints): forms and pages show what is refused, in the
refusal's words, beside the field it names.
"""

import hashlib
import logging

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from cases.teams import signing_as_deputy_for
from forms_engine.blocks import blocks_for
from forms_engine.models import Form, FormStatus, PrintRecord
from forms_engine.printing import build_docx

log = logging.getLogger(__name__)


class ActionRefused(Exception):
    """The rules do not allow this change; the message says why, in the user's words, and `field` names the input
    it is about (None: the change as a whole)."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


class OpenFormExists(ActionRefused):
    def __init__(self, open_form):
        self.open_form = open_form
        super().__init__(
            f"This case already has an open {open_form.form_type} form ({open_form.reference}, "
            f"{open_form.get_status_display()}). It must be Closed before another can be created.",
            field="form_type",
        )


class FormIncomplete(ActionRefused):
    """Answers required to complete the form are missing: `questions` (question ids) and, by block name, `blocks`
    (field names)."""

    def __init__(self, *, questions, blocks):
        self.questions, self.blocks = questions, blocks
        super().__init__("The form cannot be set Complete until the questions marked as required are answered.")


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


def _refuse_unless_may_record(by):
    if not by.has_perm("accounts.record_forms"):
        raise ActionRefused("Your role does not allow you to create forms.")


@transaction.atomic
def create_form(*, case, form_type, responsible_user, by):
    """Start a new In Progress form of the type's newest definition."""
    _refuse_unless_may_record(by)
    if not form_type.active:
        raise ActionRefused(f"The form type {form_type} is no longer in use.", field="form_type")
    if not responsible_user.has_perm("accounts.record_forms"):
        raise ActionRefused("The responsible user must be someone who records forms.", field="responsible_user")
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


def _apply_answers(form, answers, columns):
    """Put the answers, and the columns of the form's blocks (e.g. the CLD block), on the locked form."""
    form.answers = answers
    blocks = blocks_for(form.form_type)
    if columns and blocks:
        for column, value in columns.items():
            setattr(form, column, value)
    for block in blocks:
        refused = block.refusal(form)
        if refused:
            raise ActionRefused(refused[1], field=refused[0])


def _refuse_unless_editable(form, by):
    if not form.can_edit(by):
        raise ActionRefused(refusal(form, by))


@transaction.atomic
def save_answers(*, form, answers, revision, by, columns=None):
    """Save the answers (and the columns of the form's blocks) of an In Progress form; it stays In Progress."""
    form = _lock(form, revision)
    _refuse_unless_editable(form, by)
    _apply_answers(form, answers, columns)
    return _save(form, by=by, reason="Saved")


def missing_for_completion(form):
    """What the form, as it stands, lacks to be set Complete: (question ids, {block name: field names})."""
    questions = [question["id"] for question in form.version.missing_answers(form.answers)]
    blocks = {block.name: [field for field, _label in block.missing(form)] for block in blocks_for(form.form_type)}
    return questions, {name: fields for name, fields in blocks.items() if fields}


@transaction.atomic
def complete_form(*, form, answers, revision, by, columns=None):
    """Save the answers and set the form Complete; close it at once when its type needs no sign-off.

    Refused with FormIncomplete, and nothing saved, while a question or block field required to complete is empty.
    """
    form = _lock(form, revision)
    _refuse_unless_editable(form, by)
    _apply_answers(form, answers, columns)
    questions, blocks = missing_for_completion(form)
    if questions or blocks:
        raise FormIncomplete(questions=questions, blocks=blocks)
    for block in blocks_for(form.form_type):
        block.on_complete(form)
    form.complete(by=by)
    if can_proceed(form.close_automatically):
        form.close_automatically()
        return _save(form, by=by, reason="Set Complete; closed automatically (this form type needs no sign-off)")
    return _save(form, by=by, reason="Set Complete; awaiting sign-off")


def _refuse_unless_signable(form, by, transition_method, doing):
    if form.status != FormStatus.COMPLETE:
        raise ActionRefused(f"Only a Complete form can be {doing}; this form is {form.get_status_display()}.")
    if not has_transition_perm(transition_method, by):
        raise ActionRefused(_sign_off_refusal(form, by))


@transaction.atomic
def close_form(*, form, revision, by, closed_on, name):
    """Sign off a Complete form, recording the closing date and the name of the person closing it."""
    form = _lock(form, revision)
    _refuse_unless_signable(form, by, form.close, "closed")
    name = (name or "").strip()
    if closed_on is None:
        raise ActionRefused("Enter the closing date.", field="closed_on")
    if closed_on > timezone.localdate():
        raise ActionRefused("The closing date cannot be in the future.", field="closed_on")
    if closed_on < form.completed_on:
        raise ActionRefused(
            f"The closing date cannot be before the date the form was completed ({form.completed_on:%d/%m/%Y}).",
            field="closed_on",
        )
    if not name:
        raise ActionRefused("Enter the name of the person closing the form.", field="closed_by_name")
    form.close(by=by, closed_on=closed_on, name=name)
    deputy = _record_deputy(form, by)
    return _save(form, by=by, reason=f"Closed by {name} on {closed_on:%d/%m/%Y}{deputy}")


@transaction.atomic
def return_form(*, form, revision, by, reason):
    """Send a Complete form back to In Progress with the manager's reason."""
    form = _lock(form, revision)
    _refuse_unless_signable(form, by, form.return_for_amendment, "returned")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Give the reason for returning the form to the practitioner.", field="return_reason")
    form.return_for_amendment(by=by, reason=reason)
    deputy = _record_deputy(form, by)
    return _save(form, by=by, reason=f"Returned for amendment{deputy}: {reason}")


def _record_deputy(form, by):
    """Keep on the form the team whose deputy `by` signs it off as (none when they manage the Responsible User's
    team); return the words for its history row."""
    form.signed_as_deputy_for = signing_as_deputy_for(
        signer=by, responsible_user_id=form.responsible_user_id, day=timezone.localdate()
    )
    return f" (as deputy for {form.signed_as_deputy_for})" if form.signed_as_deputy_for else ""


def sign_off_many(*, forms, by, close=None, return_reason=None, in_queue=None):
    """Close (`close`: closing date and name) or return (`return_reason`) several Complete forms at once.

    `forms` are (form id, the revision the user saw) pairs. Each form goes through close_form or return_form, in a
    transaction of its own: locked, checked, saved once with one history row, or left as it was. Returns the forms
    signed off and, for each one refused, (form id, the form as it is now or None, why). What the forms share (the
    closing date and name, or the reason) is checked first, and a refusal of it changes nothing. `in_queue(form)`
    says whether the form is in the user's queue (cases/teams.py); a form that is not is refused.
    """
    if close is not None:
        closed_on, name = close
        if closed_on is None:
            raise ActionRefused("Enter the closing date.", field="closed_on")
        if closed_on > timezone.localdate():
            raise ActionRefused("The closing date cannot be in the future.", field="closed_on")
        if not (name or "").strip():
            raise ActionRefused("Enter the name of the person closing the forms.", field="closed_by_name")
    elif not (return_reason or "").strip():
        raise ActionRefused("Give the reason for returning the forms to the practitioners.", field="return_reason")
    if not forms:
        raise ActionRefused("Select the forms first: tick the box of each.", field="forms")
    found = Form.objects.select_related("form_type", "case").in_bulk([pk for pk, _revision in forms])
    done, refused = [], []
    for pk, revision in forms:
        form = found.get(pk)
        if form is None:
            refused.append((pk, None, "it no longer exists"))
            continue
        if in_queue is not None and not in_queue(form):
            refused.append((pk, form, "it is not in your teams' queue"))
            continue
        try:
            if close is not None:
                done.append(close_form(form=form, revision=revision, by=by, closed_on=close[0], name=close[1]))
            else:
                done.append(return_form(form=form, revision=revision, by=by, reason=return_reason))
        except EditConflict as conflict:
            current = conflict.current
            last = current.history.order_by("-history_id").select_related("history_user").first()
            who = f" by {last.history_user}" if last and last.history_user else ""
            if current.status != FormStatus.COMPLETE:
                why = f"it is no longer Complete: it was set {current.get_status_display()}{who}"
            else:
                why = f"it was changed{who} after you opened the list"
            refused.append((pk, current, why))
        except ActionRefused as refusal:
            refused.append((pk, form, str(refusal)))
        except OperationalError:  # a lock not granted in time, a deadlock: this form's transaction rolled back
            log.exception("bulk sign-off of form %s failed", pk)
            refused.append((pk, form, "it could not be saved just now (the database was busy): try it again"))
    return done, refused


@transaction.atomic
def clone_form(*, form, by):
    """Start a new In Progress form of the same type on the same case, copying every answer of a Closed form."""
    _refuse_unless_may_record(by)
    if form.status != FormStatus.CLOSED:
        raise ActionRefused("Only a Closed form can be cloned.")
    form_type = form.form_type
    _refuse_if_open_form_exists(case=form.case, form_type=form_type)
    version = form_type.current_version()
    kept = {str(question["id"]) for question in version.questions()}
    columns, cleared = {}, []
    for block in blocks_for(form_type):
        block_columns, block_cleared = block.clone(form)
        columns |= block_columns
        cleared += block_cleared
    clone = Form(
        **columns,
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
    reason = f"Cloned from {form.reference}"
    if cleared:
        reason += "; cleared for the new event: " + ", ".join(cleared)
    clone = _insert_new_form(clone, by=by, reason=reason)
    clone.cleared_on_clone = cleared
    return clone


def may_print(user):
    return user.has_perm("accounts.print_forms")


@transaction.atomic
def print_form(*, form, section_ids, comment, by):
    """Produce the Word document of the chosen sections; record the print in the form's history and Print History."""
    if not may_print(by):
        raise ActionRefused("Your role does not allow you to print forms.")
    chosen = set(section_ids)
    sections = [section for section in form.version.sections if section["id"] in chosen]
    if not sections:
        raise ActionRefused("Choose at least one section to print.", field="sections")
    office_chosen = any(section["office_use_only"] for section in sections)
    block_rows = [(block.title, block.display(form)) for block in blocks_for(form.form_type)] if office_chosen else []
    printed_at = timezone.now()
    content = build_docx(
        form,
        section_ids=[section["id"] for section in sections],
        block_rows=block_rows,
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
    if form.status == FormStatus.CLOSED:
        return "This form is Closed and read-only. Clone it to start a new one."
    if form.status == FormStatus.COMPLETE:
        if user.has_perm("accounts.authorise_forms"):
            return _sign_off_refusal(form, user)
        return "This form is Complete and waiting for a manager's sign-off, so it cannot be changed."
    return "Your role does not allow you to change forms."


def _sign_off_refusal(form, user):
    if not user.has_perm("accounts.authorise_forms"):
        return "Only a user who can authorise forms can close or return a form."
    return "You are the responsible user of this form, and this form type does not allow signing off your own form."
