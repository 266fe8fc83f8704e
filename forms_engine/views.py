from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access
from cases.models import Case, Person
from forms_engine import actions, queries, subject_access
from forms_engine.blocks import blocks_for
from forms_engine.forms import AnswersForm, NewFormForm, PrintForm, StatusForm, display_answer
from forms_engine.history import history_entries
from forms_engine.models import Form, FormStatus
from forms_engine.printing import MIME_TYPE

HISTORY_PER_PAGE = 50


@require_GET
def case_forms(request, pk):
    """List the forms recorded on one case: Forms (Case)."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    access.refuse_unless_may_open(request, case)
    page = queries.case_forms_page(case, request.GET.get("page"))
    access.seen(request, access.Kind.CASE_FORMS, case.person_id, case_id=case.pk, object_id=case.pk)
    return render(request, "forms_engine/case_forms.html", {"case": case, "page": page})


@require_http_methods(["GET", "POST"])
def form_new(request, pk):
    """Create New Record: choose the Form Type and the Responsible User; the new form opens for editing."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    access.refuse_unless_may_open(request, case)
    if not request.user.has_perm("accounts.record_forms"):
        raise PermissionDenied("Your role does not allow you to create forms.")
    new_form = NewFormForm(request.POST or None, user=request.user)
    if request.method == "POST" and new_form.is_valid():
        try:
            form = actions.create_form(case=case, by=request.user, **new_form.cleaned_data)
        except actions.OpenFormExists as refused:
            new_form.add_error("form_type", _open_form_message(refused))
        except actions.ActionRefused as refused:
            new_form.add_error(refused.field, str(refused))
        else:
            messages.success(request, f"{form.form_type} created ({form.reference}). It is In Progress.")
            return redirect(form)
    return render(request, "forms_engine/form_new.html", {"case": case, "new_form": new_form})


@require_http_methods(["GET", "POST"])
def form_edit(request, pk):
    """Show a form: editable In Progress, signed off by a manager when Complete, read-only when Closed."""
    form = queries.form_for_page(pk)
    if form is None:
        raise Http404("No such form.")
    access.refuse_unless_may_open(request, form.case)
    page = FormPage(request, form, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return page.render()
    if not (page.editable or page.signable):
        messages.error(request, actions.refusal(form, request.user))
        return redirect(form)
    revision = _posted_revision(request)
    if revision is None:
        return _conflict_page(request, form, page)
    if not page.is_valid():
        return page.render()
    try:
        if page.editable:
            return _save_or_complete(request, page, revision)
        return _sign_off(request, page, revision)
    except actions.EditConflict as conflict:
        return _conflict_page(request, conflict.current, page)
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
    return redirect(form)


def _save_or_complete(request, page, revision):
    """An editor's Save: keep the answers In Progress, or set the form Complete if nothing required is missing."""
    form, user = page.form, request.user
    answers, columns = page.answers_form.answers(), page.block_columns()
    if page.cleared:
        messages.info(request, "Cleared answers that no longer apply: " + "; ".join(page.cleared) + ".")
    if page.status_form.cleaned_data["status"] != FormStatus.COMPLETE:
        actions.save_answers(form=form, answers=answers, columns=columns, revision=revision, by=user)
        messages.success(request, "Saved. The form is In Progress.")
        return redirect(form)
    try:
        form = actions.complete_form(form=form, answers=answers, columns=columns, revision=revision, by=user)
    except actions.FormIncomplete as incomplete:
        page.form = actions.save_answers(form=form, answers=answers, columns=columns, revision=revision, by=user)
        page.show_missing(incomplete)
        messages.warning(
            request, "Your answers have been saved, but the form is still In Progress: answer the questions listed."
        )
        return page.render()
    messages.success(request, _completed_message(form))
    return redirect(form)


def _sign_off(request, page, revision):
    """A manager's Save on a Complete form: close it, return it for amendment, or leave it as it is."""
    form, data = page.form, page.status_form.cleaned_data
    chosen = data["status"]
    try:
        if chosen == FormStatus.CLOSED:
            form = actions.close_form(
                form=form, revision=revision, by=request.user, closed_on=data["closed_on"], name=data["closed_by_name"]
            )
            messages.success(request, f"{form.form_type} {form.reference} closed by {form.closed_by_name}.")
        elif chosen == FormStatus.IN_PROGRESS:
            form = actions.return_form(form=form, revision=revision, by=request.user, reason=data["return_reason"])
            messages.success(request, f"{form.reference} returned to {form.responsible_user} for amendment.")
        else:
            messages.info(request, "Nothing changed: the form is still Complete and awaiting sign-off.")
            return redirect(form)
    except actions.ActionRefused as refused:
        if refused.field is None:
            raise
        page.status_form.add_error(refused.field, str(refused))
        return page.render()
    return redirect(_safe_next(request) or form.get_absolute_url())


class FormPage:
    """The form page's parts: the answers, the blocks (e.g. Client Level Data) and the Status, bound or not."""

    def __init__(self, request, form, data=None):
        """The page's forms bound to posted data (None: showing the stored answers). Only an editor's answers are
        read, and only an editor or a manager signing off has a Status."""
        self.request, self.form = request, form
        user = request.user
        self.editable, self.signable = form.can_edit(user), form.can_sign_off(user)
        self.blocks = blocks_for(form.form_type)
        self.answers_form, self.block_forms, self.status_form, self.conflict = None, {}, None, None
        if self.editable:
            self.answers_form = AnswersForm(data, version=form.version, answers=form.answers)
            self.block_forms = {block.name: block.form(form, data) for block in self.blocks}
        if self.editable or self.signable:
            self.status_form = StatusForm(data, form=form, user=user)

    def is_valid(self):
        forms = [self.status_form, self.answers_form, *self.block_forms.values()]
        return all([form.is_valid() for form in forms if form is not None])  # every one validated: every error shown

    def block_columns(self):
        return {column: value for form in self.block_forms.values() for column, value in form.columns().items()}

    @property
    def cleared(self):
        return [label for form in self.block_forms.values() for label in form.cleared]

    def show_missing(self, incomplete):
        self.answers_form.show_missing(incomplete.questions)
        for name, fields in incomplete.blocks.items():
            self.block_forms[name].show_missing(fields)

    def render(self, status=200):
        form = self.form
        office_sections = [section["id"] for section in form.version.sections if section["office_use_only"]]
        context = {
            "form": form,
            "case": form.case,
            "editable": self.editable,
            "signable": self.signable,
            "answers_form": self.answers_form,
            "status_form": self.status_form,
            "blocks": [self._block(block) for block in self.blocks],
            "block_section_id": office_sections[0] if office_sections else None,
            "read_only_sections": None if self.editable else _display_sections(form.version, form.answers),
            "clones": queries.clones_of(form) if form.status == FormStatus.CLOSED else [],  # only a Closed form has any
            "quality": getattr(form, "cld_quality", None),  # the CLD data-quality flag, if the last extract set one
            "may_print": actions.may_print(self.request.user),
            "conflict": self.conflict,
            "next": _safe_next(self.request),
        }
        _seen(self.request, access.Kind.FORM, form)
        return render(self.request, "forms_engine/form_edit.html", context, status=status)

    def _block(self, block):
        """What the page shows of a block: its form and part when editable, its answers when not."""
        if self.editable:
            block_form = self.block_forms[block.name]
            return {"block": block, "form": block_form, "part": block.part(self.form, block_form)}
        return {"block": block, "form": None, "rows": block.display(self.form)}


def _conflict_page(request, current, mine):
    """Show the saved answers beside the user's unsaved ones, so nothing typed is lost; nothing is saved."""
    current = Form.objects.for_page().get(pk=current.pk)
    theirs = FormPage(request, current, request.POST)  # the user's typing stays in the form
    yours = mine.answers_form.answers() if mine.editable and mine.answers_form.is_valid() else None
    rows = []
    for question in current.version.questions():
        key = str(question["id"])
        saved = display_answer(question, current.answers.get(key))
        typed = display_answer(question, yours.get(key)) if yours is not None else None
        rows.append({"label": question["label"], "saved": saved, "yours": typed, "differs": typed not in (None, saved)})
    for form in [theirs.status_form, theirs.answers_form, *theirs.block_forms.values()]:
        if form is not None:
            form.is_valid()
    last = current.history.order_by("-history_id").select_related("history_user").first()
    theirs.conflict = {"rows": rows, "by": last.history_user if last else None}
    return theirs.render(status=409)


@require_POST
def form_clone(request, pk):
    """Clone a Closed form into a new In Progress form of the same type on the same case."""
    form = get_object_or_404(Form.objects.select_related("form_type", "case__person"), pk=pk)
    access.refuse_unless_may_open(request, form.case)
    try:
        clone = actions.clone_form(form=form, by=request.user)
    except actions.OpenFormExists as refused:
        messages.error(request, _open_form_message(refused))
        return redirect(form)
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect(form)
    cleared = f" Cleared for the new event: {', '.join(clone.cleared_on_clone)}." if clone.cleared_on_clone else ""
    messages.success(request, f"Cloned {form.reference} into {clone.reference}. The new form is In Progress.{cleared}")
    return redirect(clone)


@require_http_methods(["GET", "POST"])
def form_print(request, pk):
    """Print: choose the sections to put in a Word document (Office Use Only left out by default), then download it."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    access.refuse_unless_may_open(request, form.case)
    if not actions.may_print(request.user):
        raise PermissionDenied("Your role does not allow you to print forms.")
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
            print_form.add_error(refused.field, str(refused))
        else:
            _seen(request, access.Kind.WORD, form)
            response = HttpResponse(content, content_type=MIME_TYPE)
            filename = f"{form.reference}-{slugify(form.form_type.name)}.docx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["X-Print-Record"] = str(record.pk)
            return response
    _seen(request, access.Kind.PRINT_PAGE, form)
    return render(request, "forms_engine/form_print.html", {"form": form, "case": form.case, "print_form": print_form})


@require_GET
def print_history(request, pk):
    """Print History: every Word document produced from the form."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    access.refuse_unless_may_open(request, form.case)
    page = Paginator(form.prints.select_related("printed_by"), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    _seen(request, access.Kind.PRINT_HISTORY, form)
    return render(request, "forms_engine/print_history.html", {"form": form, "case": form.case, "page": page})


@require_GET
def form_history(request, pk):
    """Show who changed the form, when, what changed field by field, and why."""
    form = get_object_or_404(Form.objects.for_page(), pk=pk)
    access.refuse_unless_may_open(request, form.case)
    page = Paginator(form.history.select_related("history_user").order_by("-history_id"), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = history_entries(form, page.object_list)
    _seen(request, access.Kind.FORM_HISTORY, form)
    return render(
        request, "forms_engine/form_history.html", {"form": form, "case": form.case, "page": page, "entries": entries}
    )


SUBJECT_ACCESS_PERMISSION = "accounts.export_subject_access"


@require_http_methods(["GET", "POST"])
def subject_access_export(request, pk):
    """Subject access request: one ZIP of everything held on the case's client (forms_engine/subject_access.py), for
    information governance; producing it is recorded in the access log."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    if not request.user.has_perm(SUBJECT_ACCESS_PERMISSION):
        raise PermissionDenied("Only information governance exports everything held on a person.")
    if request.method == "POST":
        person = Person.objects.get(pk=case.person_id)  # every field of the record
        archive = subject_access.export(person, by=request.user)
        access.seen(request, access.Kind.SUBJECT_ACCESS, person.pk, case_id=case.pk)
        name = f"subject-access-{slugify(person.full_name)}-{timezone.localdate():%Y-%m-%d}.zip"
        return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    held = {
        "cases": Case.objects.filter(person_id=case.person_id).count(),
        "forms": Form.objects.filter(case__person_id=case.person_id).count(),
    }
    return render(request, "forms_engine/subject_access.html", {"case": case, "held": held})


def _seen(request, kind, form):
    """Record in the access log that the request shows `kind` of the form's client's data (cases/access.py)."""
    access.seen(request, kind, form.case.person_id, case_id=form.case_id, object_id=form.pk)


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
    if form.status == FormStatus.CLOSED:
        return f"{form.form_type} {form.reference} is Complete and has closed automatically: it needs no sign-off."
    return f"{form.form_type} {form.reference} is Complete and is waiting for a manager to close it."
