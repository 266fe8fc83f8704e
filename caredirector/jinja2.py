"""The Jinja2 environment of the app's pages (settings.TEMPLATES): what every template may use without importing it.

Globals: `static(path)` and `url(name, *args, **kwargs)`, as Django's {% static %} and {% url %};
`query_with(request, **changes)`, this page's query string with some parameters changed; and, from forms_engine,
`FormStatus` (a form's statuses, with their badges) and `form_reference(id)`. Filters, beside Jinja2's own: `ukdate`,
`ukdatetime` (dates as UK readers write them, in local time) and Django's `linebreaksbr` and `pluralize`. Anything else
a template uses comes from its view's context or an `{% import %}` of a macro file (templates/includes/).
"""

import datetime

from django.forms.renderers import TemplatesSetting
from django.template.defaultfilters import linebreaksbr, pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment

from forms_engine.models import FormStatus, reference_for


def url(name, *args, **kwargs):
    """reverse() as a template calls it: url('forms:form-edit', form.id)."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def query_with(request, **changes):
    """This page's query string with some parameters changed (None removes one), e.g. for pagination."""
    query = request.GET.copy()
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


def ukdate(value):
    """A date (or a datetime, in local time) as dd/mm/yyyy; nothing for none."""
    return _local(value).strftime("%d/%m/%Y") if value else ""


def ukdatetime(value, seconds=False):
    """A datetime in local time as dd/mm/yyyy hh:mm (and :ss when asked); nothing for none."""
    return _local(value).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M") if value else ""


def environment(**options):
    options.pop("autoescape", None)  # Django's backend asks for it; the app's pages never go without
    env = Environment(autoescape=True, **options)
    env.globals.update(
        static=static, url=url, query_with=query_with, FormStatus=FormStatus, form_reference=reference_for
    )
    env.filters.update(ukdate=ukdate, ukdatetime=ukdatetime, linebreaksbr=linebreaksbr, pluralize=pluralize)
    return env


class FormRenderer(TemplatesSetting):
    """Django's form renderer through the project's engines (settings.FORM_RENDERER), each field's label, control,
    hint and error in the house markup: field.as_field_group() renders templates/includes/field.html."""

    field_template_name = "includes/field.html"
