"""The reads of the pages that list forms: plain querysets, rows as named tuples (a list only shows them).

A row carries what a list shows of a form, each worked out by the database with the twin of the model's own
property (Form.reference, Form.is_returned, User.display_name, Person.full_name), so lists need no model instances.
"""

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, F

from accounts.models import display_name_expression
from cases.models import full_name_expression
from forms_engine.models import RETURNED, Form, reference_expression

FORMS_PER_PAGE = 25

# What every list shows of a form: id, status, start_date, completed_at and these.
ROW = {
    "reference": reference_expression("id"),
    "returned": ExpressionWrapper(RETURNED, output_field=BooleanField()),
    "type_name": F("form_type__name"),
}
# ... and where a list shows them, its Responsible User and its case and client.
RESPONSIBLE = {"responsible": display_name_expression("responsible_user")}
CASE = {"case_number": F("case__case_number"), "client": full_name_expression("case__person")}


def rows(forms, *fields, **columns):
    """The list rows of a queryset of forms, with the ROW columns and the given fields and columns, in its order."""
    columns = {**ROW, **columns}
    return forms.annotate(**columns).values_list(
        "id", "status", "start_date", "completed_at", "closed_on", "case_id", *fields, *columns, named=True
    )


def case_forms_page(case, number):
    """Page `number` of Forms (Case): the case's forms, newest first, with their type and responsible user.

    The page's ids first, by the case's newest-first index, then those forms: as one query, the plan PostgreSQL keeps
    for it (made for a typical case of about ten forms) joined all of a 1,200-form client's forms before sorting.
    """
    newest_first = ("-start_date", "-id")
    page = Paginator(case.forms.order_by(*newest_first).values_list("pk", flat=True), FORMS_PER_PAGE).get_page(number)
    ids = list(page.object_list)
    page.object_list = list(rows(Form.objects.filter(pk__in=ids).order_by(*newest_first), **RESPONSIBLE)) if ids else []
    return page


def clones_of(form):
    """The ids of the forms cloned from this one (usually none)."""
    return list(Form.objects.filter(cloned_from=form).order_by("pk").values_list("pk", flat=True))
