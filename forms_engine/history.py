"""Turn a form's history rows into readable entries: who, when, why, and each field's change."""

from django.contrib.auth import get_user_model

from forms_engine.forms import display_answer
from forms_engine.models import Form

HIDDEN_FIELDS = {"revision", "single_open", "version", "created_at", "case", "form_type", "created_by"}
USER_FIELDS = {"responsible_user", "completed_by", "closed_by", "returned_by"}


def history_entries(form, records):
    """Return readable entries for history records (newest first), each compared with the one before it."""
    records = list(records)
    if not records:
        return []
    older = form.history.filter(history_id__lt=records[-1].history_id).order_by("-history_id").first()
    pairs = list(zip(records, [*records[1:], older], strict=True))
    questions = {str(question["id"]): question for question in form.version.questions()}
    user_ids = set()
    diffs = []
    for new, old in pairs:
        changes = new.diff_against(old).changes if old is not None else []
        diffs.append(changes)
        user_ids.update(c.new for c in changes if c.field in USER_FIELDS and c.new)
        user_ids.update(c.old for c in changes if c.field in USER_FIELDS and c.old)
    users = (
        {user.pk: user.display_name for user in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    )
    entries = []
    for (new, old), changes in zip(pairs, diffs, strict=True):
        rows = []
        for change in changes:
            if change.field in HIDDEN_FIELDS:
                continue
            if change.field == "answers":
                rows.extend(_answer_changes(questions, change.old or {}, change.new or {}))
            else:
                rows.append(_field_change(change, users))
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


def _field_change(change, users):
    field = Form._meta.get_field(change.field)
    label = str(field.verbose_name).capitalize()
    if change.field == "status":
        statuses = dict(Form.Status.choices)
        return (label, statuses.get(change.old, "–"), statuses.get(change.new, "–"))
    if change.field in USER_FIELDS:
        return (label, users.get(change.old, "–"), users.get(change.new, "–"))
    return (label, _plain(change.old), _plain(change.new))


def _plain(value):
    if value in (None, ""):
        return "–"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M") if hasattr(value, "hour") else value.strftime("%d/%m/%Y")
    return str(value)
