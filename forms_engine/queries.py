"""The reads of the pages that list forms: plain querysets, rows as named tuples (a list only shows them).

A row carries what a list shows of a form; templates work out its reference, whether it was returned and the names
of its client and responsible user with the functions the models' own properties use (form_reference, is_returned,
full_name, display_name: caredirector/jinja2.py), so lists need no model instances. (The sign-off list works them out
in its view instead, once a row: dashboards/views.list_rows.) Each expression the database
works out instead (a name joined, a CASE) cost a list page 0.3 ms of the ORM's compiling.
"""

import collections

from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Count

from caredirector.prepared import Param, Prepared
from cases.teams import joined_names
from forms_engine.models import Form, FormQuerySet

FORMS_PER_PAGE = 25

# What every list shows of a form
FIELDS = ("id", "status", "returned_reason", "start_date", "completed_at", "closed_on", "case_id", "form_type__name")
# ... and where a list shows them, its Responsible User and its case and client.
RESPONSIBLE = ("responsible_user__first_name", "responsible_user__last_name", "responsible_user__username")
CASE = (
    "case__case_number",
    "case__person__given_name",
    "case__person__family_name",
    "case__person_id",
    "case__person__restricted",  # a restricted client's name is not shown to who may not open it (cases/access.py)
)


def rows(forms, *fields):
    """The list rows of a queryset of forms: FIELDS and the given fields, in its order."""
    return forms.values_list(*FIELDS, *fields, named=True)


def by_ids(prepared, ids, size=FORMS_PER_PAGE, each=None):
    """The rows of a Prepared reading up to `size` forms by id (Params id0, id1...), in the ids' order: the ids padded
    to `size` with the last of them, so that one statement serves every page. A statement that reads a form more
    than once (joined to a many-valued relation) gives each of its rows to `each`, and its last as the form's."""
    if not ids:
        return []
    padded = [*ids, *[ids[-1]] * (size - len(ids))]
    found = {}
    for row in prepared.rows(**{f"id{index}": pk for index, pk in enumerate(padded)}):
        found[row.id] = row
        if each is not None:
            each(row)
    return [found[pk] for pk in ids if pk in found]


def ids_param(size=FORMS_PER_PAGE):
    return [Param(f"id{index}", BigIntegerField()) for index in range(size)]


# Forms (Case)'s reads, on every view: compiled once (caredirector/prepared.py), 1.1 ms a view
NEWEST_FIRST = ("-start_date", "-id")
CASE_ID = Param("case", BigIntegerField())
CASE_COUNT = Prepared(
    lambda: Form.objects.filter(case_id=CASE_ID).values("case_id").annotate(count=Count("*")).values_list("count")
)
CASE_IDS = Prepared(lambda: Form.objects.filter(case_id=CASE_ID).order_by(*NEWEST_FIRST).values_list("pk"))
# (with the teams of the Responsible User joined: a form in a row per team, and one row of no team for a user in
# none; read in the same statement at no cost, where a subquery a row cost 0.45 ms and a query of its own 0.3)
CASE_ROWS = Prepared(
    lambda: rows(
        Form.objects.filter(pk__in=ids_param()), *RESPONSIBLE, "responsible_user_id", "responsible_user__teams__name"
    )
)


class _CaseFormIds:
    """A case's form ids, newest first, a page (a slice) at a time: what the Paginator pages through."""

    def __init__(self, case):
        self.case = case

    def __getitem__(self, page):
        return [row.pk for row in CASE_IDS.rows(case=self.case.pk, limit=page.stop - page.start, offset=page.start)]


def case_forms_page(case, number):
    """Page `number` of Forms (Case): the case's forms, newest first, with their type and responsible user.

    The page's ids first, by the case's newest-first index, then those forms: as one query, the plan PostgreSQL keeps
    for it (made for a typical case of about ten forms) joined all of a 1,200-form client's forms before sorting.
    """
    paginator = Paginator(_CaseFormIds(case), FORMS_PER_PAGE)
    counted = CASE_COUNT.rows(case=case.pk)
    paginator.count = counted[0].count if counted else 0
    page = paginator.get_page(number)
    teams = collections.defaultdict(set)

    def team_of(row):
        if row.responsible_user__teams__name is not None:
            teams[row.responsible_user_id].add(row.responsible_user__teams__name)

    page.object_list = by_ids(CASE_ROWS, list(page.object_list), each=team_of)
    page.teams = {user: joined_names(names) for user, names in teams.items()}
    return page


def clones_of(form):
    """The ids of the forms cloned from this one (usually none)."""
    return list(Form.objects.filter(cloned_from=form).order_by("pk").values_list("pk", flat=True))


# The form page's read of its form (the busiest page that shows one form, GET and POST): the form with its type,
# version, responsible user, case, client and quality flag, as Form.objects.for_page() reads them, in one statement
# compiled once (caredirector/prepared.py). Compiling that seven-table join cost 1.1 ms of the page's 14.
PAGE_RELATIONS = FormQuerySet.PAGE_RELATIONS


def _page_models():
    """(path, model) of the form and each relation the page reads with it."""
    found = [("", Form)]
    for path in PAGE_RELATIONS:
        model = Form
        for name in path.split("__"):
            model = model._meta.get_field(name).related_model
        found.append((path, model))
    return found


def _page_columns():
    return [
        f"{path}__{field.attname}" if path else field.attname
        for path, model in _page_models()
        for field in model._meta.concrete_fields
    ]


FORM_ID = Param("form", BigIntegerField())
FORM_PAGE = Prepared(lambda: Form.objects.filter(pk=FORM_ID).values_list(*_page_columns()))


def form_for_page(pk):
    """The form with the given id and its relations, as Form.objects.for_page().get(pk=pk) gives it; None if none."""
    found = FORM_PAGE.rows(form=pk)
    if not found:
        return None
    values = iter(found[0])
    instances = {}
    for path, model in _page_models():
        names = [field.attname for field in model._meta.concrete_fields]
        row = [next(values) for _ in names]
        instances[path] = None if row[0] is None else model.from_db("default", names, row)
    for path in PAGE_RELATIONS:
        *parents, name = path.split("__")
        parent = instances["__".join(parents)]
        # what select_related leaves on the instance: the related object, or None where there is none
        parent._meta.get_field(name).set_cached_value(parent, instances[path])
    return instances[""]
