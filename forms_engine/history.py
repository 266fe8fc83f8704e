"""Turn a form's history rows into readable entries: who, when, why, and each field's change."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from codes.models import CodeValue
from forms_engine.forms import display_answer
from forms_engine.models import CLD_CODE_FIELDS, Form, cld_column

HIDDEN_FIELDS = {
    "id",
    "revision",
    "single_open",
    "version",
    "created_at",
    "updated_at",
    "case",
    "form_type",
    "created_by",
}
USER_FIELDS = {"responsible_user", "completed_by", "closed_by", "returned_by"}
CODE_COLUMNS = {cld_column(field) for field in CLD_CODE_FIELDS}
SHOWN_FIELDS = [field for field in Form._meta.fields if field.name not in HIDDEN_FIELDS]


def _changes(new, old):
    """Return (field name, old value, new value) for each shown field that differs; FKs compare by id."""
    if old is None:
        return []
    return [
        (field.name, getattr(old, field.attname), getattr(new, field.attname))
        for field in SHOWN_FIELDS
        if getattr(old, field.attname) != getattr(new, field.attname)
    ]


def history_entries(form, records):
    """Return readable entries for history records (newest first), each compared with the one before it."""
    records = list(records)
    if not records:
        return []
    older = form.history.filter(history_id__lt=records[-1].history_id).order_by("-history_id").first()
    pairs = list(zip(records, [*records[1:], older], strict=True))
    questions = {str(question["id"]): question for question in form.version.questions()}
    user_ids, code_ids = set(), set()
    diffs = []
    for new, old in pairs:
        changes = _changes(new, old)
        diffs.append(changes)
        user_ids.update(value for name, *values in changes if name in USER_FIELDS for value in values if value)
        code_ids.update(value for name, *values in changes if name in CODE_COLUMNS for value in values if value)
    users = (
        {user.pk: user.display_name for user in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    )
    labels = dict(CodeValue.objects.filter(pk__in=code_ids).values_list("pk", "label")) if code_ids else {}
    entries = []
    for (new, old), changes in zip(pairs, diffs, strict=True):
        rows = []
        for name, before, after in changes:
            if name == "answers":
                rows.extend(_answer_changes(questions, before or {}, after or {}))
            else:
                rows.append(_field_change(name, before, after, users, labels))
        entries.append(
            {
                "record": new,
                "who": new.history_user.display_name if new.history_user else "System",
                "when": new.history_date,
                "reason": new.history_change_reason or ("Created" if old is None else "Saved"),
                "changes": rows,
            }
        )
    return entries


def _answer_changes(questions, old, new):
    rows = []
    for key in sorted(set(old) | set(new), key=lambda k: int(k) if k.isdigit() else 0):
        if old.get(key) == new.get(key):
            continue
        question = questions.get(key, {"label": f"Question {key}", "kind": ""})
        rows.append((question["label"], display_answer(question, old.get(key)), display_answer(question, new.get(key))))
    return rows


def _field_change(name, before, after, users, labels):
    label = str(Form._meta.get_field(name).verbose_name)
    label = label[0].upper() + label[1:]
    if name in CODE_COLUMNS:
        return (label, labels.get(before, "–"), labels.get(after, "–"))
    if name == "status":
        statuses = dict(Form.Status.choices)
        return (label, statuses.get(before, "–"), statuses.get(after, "–"))
    if name in USER_FIELDS:
        return (label, users.get(before, "–"), users.get(after, "–"))
    return (label, _plain(before), _plain(after))


def _plain(value):
    if value in (None, ""):
        return "–"
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)
