"""The reads of the pages that list forms: plain querysets, rows as named tuples (a list only shows them).

A row carries what a list shows of a form; templates work out its reference, whether it was returned and the names
of its client and responsible user with the functions the models' own properties use (form_reference, is_returned,
full_name, display_name: caredirector/jinja2.py), so lists need no model instances. Each expression the database
works out instead (a name joined, a CASE) cost a list page 0.3 ms of the ORM's compiling.
"""

from django.core.paginator import Paginator

from forms_engine.models import Form

FORMS_PER_PAGE = 25

# What every list shows of a form
FIELDS = ("id", "status", "returned_reason", "start_date", "completed_at", "closed_on", "case_id", "form_type__name")
# ... and where a list shows them, its Responsible User and its case and client.
RESPONSIBLE = ("responsible_user__first_name", "responsible_user__last_name", "responsible_user__username")
CASE = ("case__case_number", "case__person__given_name", "case__person__family_name")


def rows(forms, *fields):
    """The list rows of a queryset of forms: FIELDS and the given fields, in its order."""
    return forms.values_list(*FIELDS, *fields, named=True)


def case_forms_page(case, number):
    """Page `number` of Forms (Case): the case's forms, newest first, with their type and responsible user.

    The page's ids first, by the case's newest-first index, then those forms: as one query, the plan PostgreSQL keeps
    for it (made for a typical case of about ten forms) joined all of a 1,200-form client's forms before sorting.
    """
    newest_first = ("-start_date", "-id")
    page = Paginator(case.forms.order_by(*newest_first).values_list("pk", flat=True), FORMS_PER_PAGE).get_page(number)
    ids = list(page.object_list)
    page.object_list = list(rows(Form.objects.filter(pk__in=ids).order_by(*newest_first), *RESPONSIBLE)) if ids else []
    return page


def clones_of(form):
    """The ids of the forms cloned from this one (usually none)."""
    return list(Form.objects.filter(cloned_from=form).order_by("pk").values_list("pk", flat=True))
