from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Window
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caredirector.links import url_for
from caredirector.pagination import windowed_page
from caredirector.statements import Param, RowsById, Statement
from cases.models import Case
from cld.block import CldContext, CldForm, cld_display, completeness
from forms_engine import actions
from forms_engine.forms import AnswersForm, NewFormForm, PrintForm, StatusForm, display_answer
from forms_engine.history import history_entries
from forms_engine.models import ROW_COLUMNS, USER_COLUMNS, Form, FormRow, reference_for
from forms_engine.printing import MIME_TYPE

FORMS_PER_PAGE = 25
HISTORY_PER_PAGE = 50
# The forms cloned from a form, by id alone: usually none, and a full form row is 60 columns and its answers
_CLONES = Statement(lambda: Form.objects.filter(cloned_from_id=Param("form", IntegerField())).values_list("pk"))


# Forms (Case): a page's ids, newest first, with the case's total; then those forms' rows (ids padded to a full page,
# so that one statement serves every page)
_CASE_FORM_IDS = Statement(
    lambda: (
        Form.objects.filter(case_id=Param("case", IntegerField()))
        .annotate(total=Window(Count("pk")))
        .values_list("pk", "total")
    )
)
CASE_FORM_COLUMNS = (*ROW_COLUMNS, *USER_COLUMNS)
_CASE_FORM_ROWS = RowsById(Form, CASE_FORM_COLUMNS, FORMS_PER_PAGE)


def _case_form_rows(ids):
    return FormRow.many(CASE_FORM_COLUMNS, _CASE_FORM_ROWS.run(ids))


@require_GET
def case_forms(request, pk):
    """List the forms recorded on one case: Forms (Case)."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    # The page's ids (and the case's total) first, then those forms with their type and user. As one query, the plan
    # PostgreSQL keeps for it (made for a typical case of about ten forms) joined all of a 1,200-form client's forms
    # before sorting them.
    page = windowed_page(
        lambda limit, offset: _CASE_FORM_IDS.run(case=case.pk, limit=limit, offset=offset),
        case.forms.count,
        request.GET.get("page"),
        FORMS_PER_PAGE,
        _case_form_rows,
    )
    return render(request, "forms_engine/case_forms.html", {"case": case, "page": page})


@require_http_methods(["GET", "POST"])
def form_new(request, pk):
    """Create New Record: choose the Form Type and the Responsible User; the new form opens for editing."""
    case = get_object_or_404(Case.objects.for_list(), pk=pk)
    if not request.user.has_perm("accounts.record_forms"):
        raise PermissionDenied("Your role does not allow you to create forms.")
    new_form = NewFormForm(request.POST or None, user=request.user)
    if request.method == "POST" and new_form.is_valid():
        try:
            form = actions.create_form(
                case=case,
                form_type=new_form.cleaned_data["form_type"],
                responsible_user=new_form.cleaned_data["responsible_user"],
                by=request.user,
            )
        except actions.OpenFormExists as refused:
            new_form.add_error("form_type", _open_form_message(refused))
        except actions.ActionRefused as refused:
            new_form.add_error(None, str(refused))
        else:
            messages.success(request, f"{form.form_type} created ({form.reference}). It is In Progress.")
            return redirect(form)
    return render(request, "forms_engine/form_new.html", {"case": case, "new_form": new_form})


@require_http_methods(["GET", "POST"])
def form_edit(request, pk):
    """Show a form: editable In Progress, signed off by a manager when Complete, read-only when Closed."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    user = request.user
    editable, signable = form.can_edit(user), form.can_sign_off(user)
    if request.method == "GET":
        return _form_page(request, form, editable=editable, signable=signable)
    if not (editable or signable):
        messages.error(request, actions.refusal(form, user))
        return redirect(form)

    posted = request.POST if editable else None
    answers_form = AnswersForm(posted, version=form.version, answers=form.answers)
    cld_form = _cld_form(form, posted)
    status_form = StatusForm(request.POST, form=form, user=user)
    revision = _posted_revision(request)
    valid = status_form.is_valid() & (
        not editable or answers_form.is_valid() & (cld_form is None or cld_form.is_valid())
    )
    if revision is None:
        return _conflict_page(request, form, answers_form, status_form, editable=editable)
    if not valid:
        return _form_page(request, form, answers_form, status_form, cld_form, editable=editable, signable=signable)

    chosen = status_form.cleaned_data["status"]
    cld = cld_form.columns() if editable and cld_form is not None else None
    if cld_form is not None and editable and cld_form.cleared:
        messages.info(request, "Cleared answers that no longer apply: " + "; ".join(cld_form.cleared) + ".")
    try:
        if editable and chosen == Form.Status.COMPLETE:
            complete = answers_form.require_complete() & (cld_form is None or cld_form.require_complete())
            if not complete:
                form = actions.save_answers(
                    form=form, answers=answers_form.answers(), revision=revision, by=user, cld=cld
                )
                messages.warning(
                    request,
                    "Your answers have been saved, but the form is still In Progress: answer the questions listed.",
                )
                return _form_page(request, form, answers_form, status_form, cld_form, editable=True, signable=False)
            form = actions.complete_form(form=form, answers=answers_form.answers(), revision=revision, by=user, cld=cld)
            messages.success(request, _completed_message(form))
        elif editable:
            actions.save_answers(form=form, answers=answers_form.answers(), revision=revision, by=user, cld=cld)
            messages.success(request, "Saved. The form is In Progress.")
        elif chosen == Form.Status.CLOSED:
            data = status_form.cleaned_data
            form = actions.close_form(
                form=form, revision=revision, by=user, closed_on=data["closed_on"], name=data["closed_by_name"].strip()
            )
            messages.success(request, f"{form.form_type} {form.reference} closed by {form.closed_by_name}.")
            return _redirect_next(request, form)
        elif chosen == Form.Status.IN_PROGRESS:
            reason = status_form.cleaned_data["return_reason"]
            form = actions.return_form(form=form, revision=revision, by=user, reason=reason)
            messages.success(request, f"{form.reference} returned to {form.responsible_user} for amendment.")
            return _redirect_next(request, form)
        else:
            messages.info(request, "Nothing changed: the form is still Complete and awaiting sign-off.")
    except actions.EditConflict as conflict:
        return _conflict_page(request, conflict.current, answers_form, status_form, editable=editable)
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
    return redirect(form)


@require_POST
def form_clone(request, pk):
    """Clone a Closed form into a new In Progress form of the same type on the same case."""
    form = get_object_or_404(Form.objects.select_related("form_type", "case"), pk=pk)
    try:
        clone = actions.clone_form(form=form, by=request.user)
    except actions.OpenFormExists as refused:
        messages.error(request, _open_form_message(refused))
        return redirect(form)
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect(form)
    messages.success(request, f"Cloned {form.reference} into {clone.reference}. The new form is In Progress.")
    return redirect(clone)


@require_http_methods(["GET", "POST"])
def form_print(request, pk):
    """Print: choose the sections to put in a Word document (Office Use Only left out by default), then download it."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    print_form = PrintForm(request.POST or None, version=form.version)
    if request.method == "POST" and print_form.is_valid():
        try:
            content, record = actions.print_form(
                form=form,
                section_ids=print_form.cleaned_data["sections"],
                comment=print_form.cleaned_data["comment"],
                by=request.user,
            )
        except actions.ActionRefused as refused:
            print_form.add_error("sections", str(refused))
        else:
            response = HttpResponse(content, content_type=MIME_TYPE)
            filename = f"{form.reference}-{slugify(form.form_type.name)}.docx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["X-Print-Record"] = str(record.pk)
            return response
    return render(request, "forms_engine/form_print.html", {"form": form, "case": form.case, "print_form": print_form})


@require_GET
def print_history(request, pk):
    """Print History: every Word document produced from the form."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    page = Paginator(form.prints.select_related("printed_by"), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forms_engine/print_history.html", {"form": form, "case": form.case, "page": page})


@require_GET
def form_history(request, pk):
    """Show who changed the form, when, what changed field by field, and why."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    page = Paginator(form.history.select_related("history_user").order_by("-history_id"), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = history_entries(form, page.object_list)
    return render(request, "forms_engine/form_history.html", {"form": form, "page": page, "entries": entries})


def _cld_form(form, data=None):
    """The form's CLD block, or None when its type has none."""
    if not form.form_type.has_cld_section:
        return None
    return CldForm(data, context=CldContext.for_form(form), form=form)


def _form_page(
    request, form, answers_form=None, status_form=None, cld_form=None, *, editable, signable, status=200, conflict=None
):
    if answers_form is None:
        answers_form = AnswersForm(version=form.version, answers=form.answers)
    if status_form is None and (editable or signable):
        status_form = StatusForm(form=form, user=request.user)
    if cld_form is None:
        cld_form = _cld_form(form)
    office_sections = [section["id"] for section in form.version.sections if section["office_use_only"]]
    context = {
        "form": form,
        "case": form.case,
        "answers_form": answers_form,
        "status_form": status_form,
        "editable": editable,
        "signable": signable,
        "read_only_sections": None if editable else _display_sections(form.version, form.answers),
        "cld_form": cld_form,
        "cld_section_id": office_sections[0] if office_sections else None,
        "clones": [(url_for("forms:form-edit", pk), reference_for(pk)) for (pk,) in _CLONES.run(form=form.pk)],
        "cld_rules": cld_form.context.browser_rules() if cld_form is not None and editable else None,
        "cld_completeness": completeness(cld_form.context, form) if cld_form is not None and editable else None,
        "cld_display": cld_display(cld_form.context, form) if cld_form is not None and not editable else None,
        "conflict": conflict,
        "next": _safe_next(request),
    }
    return render(request, "forms_engine/form_edit.html", context, status=status)


def _conflict_page(request, current, answers_form, status_form, *, editable):
    """Show the saved answers beside the user's unsaved ones, so nothing typed is lost; nothing is saved."""
    current = Form.objects.for_page().get(pk=current.pk)
    mine = answers_form.answers() if editable and answers_form.is_valid() else None
    rows = []
    for question in current.version.questions():
        key = str(question["id"])
        theirs = display_answer(question, current.answers.get(key))
        yours = display_answer(question, mine.get(key)) if mine is not None else None
        rows.append(
            {"label": question["label"], "saved": theirs, "yours": yours, "differs": yours not in (None, theirs)}
        )
    still_editable = current.can_edit(request.user)
    if still_editable and editable:
        answers_form = AnswersForm(request.POST, version=current.version, answers=current.answers)
        answers_form.is_valid()
    else:
        answers_form = None
    conflict = {"rows": rows, "by": current.history.first().history_user if current.history.exists() else None}
    return _form_page(
        request,
        current,
        answers_form,
        StatusForm(request.POST, form=current, user=request.user) if still_editable else None,
        editable=still_editable,
        signable=current.can_sign_off(request.user),
        status=409,
        conflict=conflict,
    )


def _display_sections(version, answers):
    return [
        {
            "id": section["id"],
            "title": section["title"],
            "office_use_only": section["office_use_only"],
            "answers": [
                (question["label"], display_answer(question, answers.get(str(question["id"]))))
                for question in section["questions"]
            ],
        }
        for section in version.sections
    ]


def _posted_revision(request):
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def _redirect_next(request, form):
    return redirect(_safe_next(request) or form.get_absolute_url())


def _open_form_message(refused):
    open_form = refused.open_form
    return format_html(
        '{} <a href="{}">Open {} ({})</a>.',
        str(refused),
        open_form.get_absolute_url(),
        open_form.reference,
        open_form.get_status_display(),
    )


def _completed_message(form):
    if form.status == Form.Status.CLOSED:
        return f"{form.form_type} {form.reference} is Complete and has closed automatically: it needs no sign-off."
    return f"{form.form_type} {form.reference} is Complete and is waiting for a manager to close it."
