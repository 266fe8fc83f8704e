"""The Jinja2 environment of the app's pages (settings.TEMPLATES): what every template may use without importing it.

Globals: `static(path)` and `url(name, *args, **kwargs)`, as Django's {% static %} and {% url %};
`query_with(request, **changes)`, this page's query string with some parameters changed; and, from forms_engine,
`FormStatus` (a form's statuses, with their badges); and for list rows, which are plain values, the functions the
models' properties use: `form_reference(id)`, `is_returned(status, reason)`, `full_name(given, family)` (a client's)
and `display_name(first, last, username)` (a member of staff's). Filters, beside Jinja2's own: `ukdate`,
`ukdatetime` (dates as UK readers write them, in local time) and Django's `linebreaksbr` and `pluralize`. Anything else
a template uses comes from its view's context or an `{% import %}` of a macro file (templates/includes/).
"""

import datetime
import functools
from urllib.parse import urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.renderers import TemplatesSetting
from django.template.defaultfilters import linebreaksbr, pluralize
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from jinja2 import Environment

from accounts.models import display_name
from cases.access import may_see_accesses
from cases.models import full_name
from forms_engine.models import FormStatus, is_returned, reference_for


def url(name, *args):
    """reverse() as a template calls it: url('forms:form-edit', form.id).

    Reversed once per URL name, not once per call, for addresses that take whole numbers only (a record's id): a list
    of 25 forms reversed 50 addresses, 1.5 ms of My Forms' 6 (docs/architecture.md). The address is reversed with
    stand-in numbers, then the ids are put in their place.
    """
    if not all(type(arg) is int for arg in args):
        return reverse(name, args=args)
    pieces = _address_pieces(name, len(args), get_urlconf(), get_script_prefix())
    return pieces[0] + "".join(f"{arg}{piece}" for arg, piece in zip(args, pieces[1:], strict=True))


_STAND_IN = 918_273_645  # stands for the ids while reversing: never a real id in these patterns


@functools.lru_cache(maxsize=256)
def _address_pieces(name, arity, urlconf, prefix):
    address = reverse(name, args=[_STAND_IN + index for index in range(arity)], urlconf=urlconf)
    pieces = []
    for index in range(arity):
        before, address = address.split(str(_STAND_IN + index), 1)
        pieces.append(before)
    return (*pieces, address)


@receiver(setting_changed)
def _forget_addresses(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _address_pieces.cache_clear()


def query_with(request, **changes):
    """This page's query string with some parameters changed (None removes one), e.g. for pagination. (Encoded as
    QueryDict.urlencode() does, without the deep copy of request.GET that changing a QueryDict needs: a list's
    sort headings and pages call it seven times a view.)"""
    query = dict(request.GET.lists())
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = [value]
    return f"?{urlencode(query, doseq=True)}" if query else "?"


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
        static=static,
        url=url,
        query_with=query_with,
        FormStatus=FormStatus,
        form_reference=reference_for,
        is_returned=is_returned,
        full_name=full_name,
        display_name=display_name,
        may_see_accesses=may_see_accesses,
    )
    env.filters.update(ukdate=ukdate, ukdatetime=ukdatetime, linebreaksbr=linebreaksbr, pluralize=pluralize)
    return env


class FormRenderer(TemplatesSetting):
    """Django's form renderer through the project's engines (settings.FORM_RENDERER), each field's label, control,
    hint and error in the house markup: field.as_field_group() renders templates/includes/field.html."""

    field_template_name = "includes/field.html"
