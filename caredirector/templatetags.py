"""Template tags every page may use without {% load %}: the error summary, form fields and icons."""

import datetime
import functools
from urllib.parse import quote

from django import forms, template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from caredirector.html import esc, html, join
from caredirector.links import url_for

register = template.Library()


@register.simple_tag
def error_summary(*forms):
    """List every error of the given forms at the top of the page, each linking to its field (nothing without one)."""
    forms = [form for form in forms if form is not None]
    if not any(form.errors for form in forms):  # the usual case (an unbound form has none): nothing to walk
        return ""
    summary = {
        "non_field_errors": [error for form in forms for error in form.non_field_errors()],
        "field_errors": [
            (field.id_for_label or f"{field.auto_id}_0", field.label, error)
            for form in forms
            for field in form
            for error in field.errors
        ],
    }
    if not (summary["non_field_errors"] or summary["field_errors"]):
        return ""  # the usual case: no template to render
    return render_to_string("includes/error_summary.html", summary)


def _choice_input(widget):
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect: ask first
        return "checkbox"
    return "radio" if isinstance(widget, forms.RadioSelect) else None


@register.simple_tag
def field(bound):
    """One form field in Bootstrap 5 markup: label (a legend for a group of choices), control, error, hint.

    Built in Python: rendering the 50 questions of a form through crispy's template tree took about 110 ms;
    this takes about 5. The error and the hint are tied to the control with aria-describedby.
    """
    widget = bound.field.widget
    field_id = bound.auto_id
    errors = bound.errors
    hint_id = f"{field_id}_hint" if bound.help_text else ""
    error_id = f"{field_id}_error" if errors else ""
    described = " ".join(filter(None, [error_id, hint_id]))
    invalid = " is-invalid" if errors else ""
    # Built from safe pieces only: adding a plain "" to safe text would give plain text, escaped later.
    aria = html(' aria-describedby="{}"', described) if described else mark_safe("")  # noqa: S308
    if errors:
        aria += mark_safe(' aria-invalid="true"')  # noqa: S308 - constant
    if bound.field.required and bound.form.use_required_attribute and widget.use_required_attribute(bound.initial):
        aria += mark_safe(" required")  # noqa: S308 - constant, as Django's own widgets would say
    after = mark_safe("")  # noqa: S308 - empty
    if errors:
        after += html('<div id="{}" class="invalid-feedback d-block">{}</div>', error_id, " ".join(errors))
    if hint_id:
        after += html('<div id="{}" class="form-text">{}</div>', hint_id, bound.help_text)
    value = bound.value()
    kind = _choice_input(widget)
    if kind:
        chosen = {
            str(item) for item in (value if isinstance(value, list | tuple) else [value]) if item not in (None, "")
        }
        options = _choices(bound, kind, invalid, chosen, aria)
        return html(
            '<div class="mb-3" id="div_{}"><fieldset><legend class="form-label fs-6 mb-1">{}</legend>{}{}</fieldset>'
            "</div>",
            field_id,
            bound.label,
            options,
            after,
        )
    if isinstance(widget, forms.Select):
        selected = "" if value is None else str(value)
        options = _options(bound.field.choices, selected)
        control = html(
            '<select class="form-select{}" name="{}" id="{}"{}>{}</select>',
            invalid,
            bound.html_name,
            field_id,
            aria,
            options,
        )
    else:
        extra = {"class": f"form-control{invalid}", "id": field_id}
        if described:
            extra["aria-describedby"] = described
        if errors:
            extra["aria-invalid"] = "true"
        control = _input(bound, extra)
    return html(
        '<div class="mb-3" id="div_{}"><label class="form-label" for="{}">{}</label>{}{}</div>',
        field_id,
        field_id,
        bound.label,
        control,
        after,
    )


def _choices(bound, kind, invalid, chosen, aria="", hints=None):
    """The radio buttons or checkboxes of a field, those whose value is in `chosen` (strings) checked; `hints` gives
    a line of help under a choice, by value. What every choice shares is escaped once, not once per choice."""
    name, field_id = esc(bound.html_name), esc(bound.auto_id)
    head = (
        f'<div class="form-check"><input class="form-check-input{invalid}" type="{kind}" name="{name}" id="{field_id}_'
    )
    hints = hints or {}
    return SafeString(
        "".join(
            f'{head}{index}" value="{value}"{" checked" if raw in chosen else ""}{aria}>'
            f'<label class="form-check-label" for="{field_id}_{index}">{label}</label>'
            + (f'<div class="form-text mt-0">{esc(hints[raw])}</div>' if raw in hints else "")
            + "</div>"
            for index, (raw, value, label) in enumerate(_escaped_choices(bound.field.choices))
        )
    )


def _options(choices, selected):
    """The <option>s of a select, the one whose value is `selected` (a string) marked."""
    return SafeString(
        "".join(
            f'<option value="{value}"{" selected" if raw == selected else ""}>{label}</option>'
            for raw, value, label in _escaped_choices(choices)
        )
    )


def _escaped_choices(choices):
    """(value as a string, value escaped, label escaped) for each choice. A form's choices are the same on every view
    (its questions', the CLD code lists), so each list of plain strings is escaped once per process: a 50-question
    form has hundreds. Anything else (a number, a translated label) is escaped afresh, as equal keys could differ."""
    choices = tuple(choices)
    if all(type(value) is str and type(label) is str for value, label in choices):
        return _escape_choices(choices)
    return _escape_choices.__wrapped__(choices)


@functools.lru_cache(maxsize=1024)
def _escape_choices(choices):
    return tuple((str(value), esc(value), esc(label)) for value, label in choices)


def _input(bound, extra):
    """An <input> or <textarea> as Django's widget templates write it, without rendering a template."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs(widget.build_attrs(widget.attrs, extra), widget)
    value = widget.format_value(bound.value())
    if isinstance(widget, forms.Textarea):
        return html('<textarea name="{}"{}>\n{}</textarea>', bound.html_name, _attributes(attrs), value or "")
    attrs = {"type": widget.input_type, **attrs}
    if value is not None:
        attrs["value"] = value
    return html('<input name="{}"{}>', bound.html_name, _attributes(attrs))


def _attributes(attrs):
    """Django's flatatt(): name="value" pairs, then the names of attributes that are True, each sorted by name."""
    pairs = sorted((name, value) for name, value in attrs.items() if not isinstance(value, bool | None))
    flags = sorted(name for name, value in attrs.items() if value is True)
    return join([*(html(' {}="{}"', name, value) for name, value in pairs), *(html(" {}", name) for name in flags)])


@register.simple_tag
def cld_field(item):
    """One field of the Client Level Data block, with the data attributes static/js/cld.js works from."""
    bound = item["bound"]
    field_id = bound.auto_id
    errors = bound.errors
    invalid = " is-invalid" if errors else ""
    marker = html(
        '<span class="badge text-bg-light" data-required-marker{}>Required to complete</span>',
        "" if item["required"] else mark_safe(" hidden"),  # noqa: S308 - constant
    )
    hint_id = f"{field_id}_help"
    described = html(' aria-describedby="{}"', hint_id) if bound.help_text else ""
    hint = (
        html('<div id="{}" class="form-text mt-0 mb-1">{}</div>', hint_id, bound.help_text) if bound.help_text else ""
    )
    value = bound.value()
    current = "" if value is None else str(value)
    if isinstance(bound.field.widget, forms.RadioSelect):
        option_help = {str(option.value): option.help_text for option in item["options"] if option.help_text}
        radios = _choices(bound, "radio", invalid, {current}, hints=option_help)
        control = html(
            '<fieldset{}><legend class="form-label fs-6 mb-1">{} {}</legend>{}{}</fieldset>',
            described,
            bound.label,
            marker,
            hint,
            radios,
        )
    else:
        label = html('<label class="form-label" for="{}">{} {}</label>{}', field_id, bound.label, marker, hint)
        if item["name"] == "caring_hours":
            widget = html(
                '<input type="number" min="0" max="168" step="1" inputmode="numeric" class="form-control w-auto{}" '
                'name="{}" id="{}" value="{}"{}>',
                invalid,
                bound.html_name,
                field_id,
                current,
                described,
            )
        else:
            options = _options(bound.field.choices, current)
            widget = html(
                '<select class="form-select{}" name="{}" id="{}"{}>{}</select>',
                invalid,
                bound.html_name,
                field_id,
                described,
                options,
            )
        control = label + widget
    errors_html = join(html('<div class="invalid-feedback d-block">{}</div>', error) for error in errors)
    return html(
        '<div class="mb-3" data-cld-field="{}"{}{}>{}{}</div>',
        item["name"],
        "" if item["shown"] else mark_safe(" hidden"),  # noqa: S308 - constant
        html(' data-default="{}"', item["default"]) if item["default"] else "",
        control,
        errors_html,
    )


ICON_PATHS = {  # 16x16 outlines
    "pencil": "".join(
        [
            "M12.15 1.15a.5.5 0 0 1 .7 0l2 2a.5.5 0 0 1 0 .7l-9.5 9.5a.5.5 0 0 1-.2.12l-3.5 1",
            "a.5.5 0 0 1-.62-.62l1-3.5a.5.5 0 0 1 .12-.2l9.5-9.5zM11.5 3.2 3.95 10.75l-.6 2.1 2.1-.6L13 4.7z",
        ]
    ),
    "eye": "".join(
        [
            "M8 3C4 3 1.2 6.2.3 7.6a.75.75 0 0 0 0 .8C1.2 9.8 4 13 8 13s6.8-3.2 7.7-4.6a.75.75 0 0 0 0-.8",
            "C14.8 6.2 12 3 8 3zm0 8.5A3.5 3.5 0 1 1 8 4.5a3.5 3.5 0 0 1 0 7zm0-5.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
        ]
    ),
    "dots": "".join(
        [
            "M3 9.5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3zm5 0a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3z",
            "m5 0a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3z",
        ]
    ),
    "plus": "".join(
        [
            "M8 2a.75.75 0 0 1 .75.75v4.5h4.5a.75.75 0 0 1 0 1.5h-4.5v4.5a.75.75 0 0 1-1.5 0v-4.5h-4.5",
            "a.75.75 0 0 1 0-1.5h4.5v-4.5A.75.75 0 0 1 8 2z",
        ]
    ),
}


@register.simple_tag
def icon(name, label=""):
    """Draw a small inline SVG icon; with a label it is announced, without one it is decorative."""
    if label:
        return html(
            '<svg class="icon" viewBox="0 0 16 16" role="img" aria-label="{}" focusable="false"><title>{}</title>'
            '<path d="{}"/></svg>',
            label,
            label,
            ICON_PATHS[name],
        )
    return html(
        '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path d="{}"/></svg>',
        ICON_PATHS[name],
    )


BADGES = {
    "in_progress": ("primary", "In Progress"),
    "complete": ("warning", "Complete"),
    "closed": ("secondary", "Closed"),
}


@register.simple_tag
def status_badge(form):
    """The form's status as a badge, and a second badge when it came back from a manager."""
    status = form.status
    colour, label = BADGES[status]
    badge = html('<span class="badge text-bg-{}">{}</span>', colour, label)
    if status == "in_progress" and form.returned_reason:
        badge += mark_safe(' <span class="badge text-bg-warning">Returned for amendment</span>')  # noqa: S308 - constant
    return badge


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """Return this page's query string with some parameters changed (None removes one), e.g. for pagination."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}" if query else "?"


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.simple_tag
def link(name, *ids):
    """{% url %} for pages addressed by ids alone, reversed once per name (caredirector/links.py)."""
    return url_for(name, *ids)


def _day_month_year(value):
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@register.filter
def ukdate(value):
    """A date (or a datetime, in local time) as dd/mm/yyyy; nothing for none. The date filter's d/m/Y, 30x faster."""
    return _day_month_year(_local(value)) if value else ""


@register.filter
def ukdatetime(value):
    """A datetime in local time as dd/mm/yyyy hh:mm; nothing for none."""
    if not value:
        return ""
    value = _local(value)
    return f"{_day_month_year(value)} {value.hour:02d}:{value.minute:02d}"


@register.simple_tag
def open_link(form, query=""):
    """The button that opens a form from a list: View Only for a Closed form, Edit otherwise."""
    closed = form.status == "closed"
    action = "View Only" if closed else "Edit"
    return html(
        '<a href="{}{}" class="btn btn-sm {}" title="{}">{}<span class="visually-hidden">{}: {} {}</span></a>',
        form.get_absolute_url(),
        query,
        "btn-outline-secondary" if closed else "btn-outline-primary",
        action,
        icon("eye" if closed else "pencil"),
        action,
        form.form_type,
        form.reference,
    )


# The rows of the form lists, built in Python: a row of the template language cost about 150 microseconds, this 15.
_TABLE_WARNING = mark_safe(' class="table-warning"')  # noqa: S308 - constant
_PENCIL = icon("pencil")


@register.simple_tag
def my_forms_rows(forms):
    """My Forms: the table rows of a page of the user's forms (FormRows with their CLD failures)."""
    rows = []
    for form in forms:
        returned = form.status == "in_progress" and form.returned_reason
        notes = []
        if returned:
            reason = Truncator(form.returned_reason).chars(160)
            notes.append(html('<div class="small mt-1"><strong>Manager\'s reason:</strong> {}</div>', reason))
        if form.cld_failures:
            notes.append(
                html(
                    '<div class="small mt-1"><span class="badge text-bg-danger">CLD data quality</span> {}</div>',
                    ", ".join(form.cld_failures),
                )
            )
        rows.append(
            html(
                '<tr{}><td>{}</td><th scope="row">{}<div class="small fw-normal text-body-secondary">{}</div></th>'
                '<td>{}{}</td><td>{}</td><td class="text-nowrap"><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
                _TABLE_WARNING if returned else "",
                open_link(form),
                form.form_type,
                form.reference,
                status_badge(form),
                join(notes),
                form.client_name,
                form.case_url,
                form.case_number,
                ukdate(form.start_date),
                ukdate(form.completed_at) or "–",
            )
        )
    return join(rows)


@register.simple_tag
def case_forms_rows(forms):
    """Forms (Case): the table rows of a page of the case's forms."""
    return join(
        html(
            '<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            "</tr>",
            open_link(form),
            form.form_type,
            form.reference,
            status_badge(form),
            form.responsible_user,
            ukdate(form.start_date),
            ukdate(form.completed_at) or "–",
            ukdate(form.closed_on) or "–",
        )
        for form in forms
    )


@register.simple_tag
def sign_off_rows(rows, back):
    """Forms to Sign-Off: the table rows of (FormRow, days waiting) pairs; each opens with `back` as its next page."""
    query = f"?next={quote(back, safe='/')}"
    return join(
        html(
            '<tr><td><a href="{}{}" class="btn btn-sm btn-outline-primary" title="Edit">{}'
            '<span class="visually-hidden">Edit: {} {} for {}</span></a></td><td>{}</td><th scope="row">{}</th>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            form.get_absolute_url(),
            query,
            _PENCIL,
            form.form_type,
            form.reference,
            form.client_name,
            form.case_number,
            form.client_name,
            form.form_type,
            form.responsible_user,
            ukdate(form.completed_at),
            days,
        )
        for form, days in rows
    )
