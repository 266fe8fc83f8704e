"""The sign-off chart and list are served from the partial indexes of the awaiting set (PostgreSQL, 50,000 forms)."""

import json
import re

import pytest
from django.db import connection
from django.utils import timezone
from psycopg.sql import Literal

from caredirector.keyset import encode
from dashboards.queries import waiting, waiting_band_named
from dashboards.views import SORTS
from forms_engine.models import Form
from tests.conftest import REPORT
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, bulk_forms

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
AWAITING_INDEXES = ("form_awaiting_by_type_idx", "form_awaiting_by_age_idx")


@pytest.fixture
def fifty_thousand_forms():
    if connection.vendor != "postgresql":
        pytest.skip("index use is proved on PostgreSQL: set DATABASE_URL to run it")
    worker, case = UserFactory(), CaseFactory()
    types = [FormTypeFactory(multiple_open_allowed=True) for _ in range(5)]
    for number, form_type in enumerate(types):
        bulk_forms(
            1000,
            status="complete",
            form_type=form_type,
            responsible_user=worker,
            case=case,
            completed_days_ago=number * 3,
        )
        bulk_forms(1500, status="in_progress", form_type=form_type, responsible_user=worker, case=case)
        bulk_forms(
            7500, status="closed", form_type=form_type, responsible_user=worker, case=case, completed_days_ago=30
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forms_engine_form")
    assert Form.objects.count() >= 50_000
    return types


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        result = cursor.fetchone()[0]
    return result if isinstance(result, list) else json.loads(result)


def scanned_whole(node):
    """The tables the plan reads whole (a Seq Scan)."""
    found = {node.get("Relation Name")} if node.get("Node Type") == "Seq Scan" else set()
    for child in node.get("Plans", []):
        found |= scanned_whole(child)
    return found


# Tables of a few dozen rows that PostgreSQL may read whole rather than by index: the form types
REFERENCE_TABLES = {"forms_engine_formtype"}


def indexes_used(node):
    found = {node.get("Index Name")} - {None}
    for child in node.get("Plans", []):
        found |= indexes_used(child)
    return found


@pytest.mark.parametrize("group", ["type", "user", "age"])
def test_chart_reads_the_tallies_not_the_forms(fifty_thousand_forms, group):
    """On PostgreSQL the chart's counts come from the trigger-kept tallies, by index, never from the form table."""
    from django.test.utils import CaptureQueriesContext

    from dashboards import queries as dashboard_queries

    with CaptureQueriesContext(connection) as queries:
        if group == "age":
            counted = sum(dashboard_queries.band_counts(timezone.localdate()).values())
        else:
            counted = sum(count for _pk, _name, count in dashboard_queries.named_counts(group))
    assert counted == Form.objects.awaiting_sign_off().count() == 5000
    total = 0.0
    for query in queries.captured_queries:
        assert '"forms_engine_form"' not in query["sql"], query["sql"]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            result = cursor.fetchone()[0]
        result = (result if isinstance(result, list) else json.loads(result))[0]
        total += result["Planning Time"] + result["Execution Time"]
    assert total < 20, total
    REPORT.append(f"sign-off chart by {group} on 50,000 forms: {total:.1f} ms of SQL, from the tallies")


@pytest.mark.parametrize("bar", ["type", "age"])
def test_list_page_uses_the_awaiting_index(fifty_thousand_forms, bar):
    awaiting = Form.objects.awaiting_sign_off()
    if bar == "type":
        awaiting = awaiting.filter(form_type=fifty_thousand_forms[2])
    else:
        awaiting = awaiting.filter(waiting(waiting_band_named("3-5"), timezone.localdate()))
    field, _descending = SORTS["longest"]
    page = awaiting.order_by(field, "pk")[:26]
    result = plan(page)[0]
    used = indexes_used(result["Plan"])
    assert used & set(AWAITING_INDEXES), json.dumps(result["Plan"])[:2000]
    REPORT.append(
        f"sign-off list ({bar} bar) SQL on 50,000 forms: {result['Execution Time']:.1f} ms using "
        f"{', '.join(sorted(used))}"
    )


def generic_plan(queryset):
    """The plan PostgreSQL keeps for the query as a prepared statement, made without knowing its parameters."""
    return generic_plan_of(*queryset.query.sql_with_params())


def generic_plan_of(sql, params):
    numbered = iter(range(1, len(params) + 1))
    sql = re.sub("%s", lambda _: f"${next(numbered)}", sql).replace("%%", "%")
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            cursor.execute(f"PREPARE generic_plan_probe AS {sql}")
            arguments = ", ".join(Literal(value).as_string(connection.connection) for value in params)
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_plan_probe({arguments})")
            result = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE ALL; RESET plan_cache_mode")
    return (result if isinstance(result, list) else json.loads(result))[0]


@pytest.mark.parametrize("bar", ["type", "age"])
def test_prepared_list_query_still_uses_the_awaiting_index(fifty_thousand_forms, bar):
    """The status is written into the SQL (status__is), so the plan kept for a prepared statement can use the partial
    indexes: with the status sent as a parameter it scanned the whole form table (700 ms at 1,000,000 forms)."""
    awaiting = Form.objects.awaiting_sign_off()
    if bar == "type":
        awaiting = awaiting.filter(form_type=fifty_thousand_forms[2])
    else:
        awaiting = awaiting.filter(waiting(waiting_band_named("3-5"), timezone.localdate()))
    result = generic_plan(awaiting.order_by("completed_at", "pk").values_list("id", "completed_at")[:26])
    used = indexes_used(result["Plan"])
    assert used & set(AWAITING_INDEXES), json.dumps(result["Plan"])[:2000]
    assert "Seq Scan" not in json.dumps(result["Plan"]), json.dumps(result["Plan"])[:2000]


def form_rows_read(node):
    """Rows the plan's scans of the form table produced or read and dropped."""
    own = 0
    if node.get("Relation Name") == "forms_engine_form":
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        own += node.get("Rows Removed by Index Recheck", 0)
    return own + sum(form_rows_read(child) for child in node.get("Plans", []))


def test_deep_keyset_page_starts_its_index_scan_at_the_cursor(fifty_thousand_forms):
    """Page 160 of the awaiting set must not walk (and throw away) the 4,000 rows before it."""
    from django.test.utils import CaptureQueriesContext

    from dashboards.queries import sign_off_page

    with connection.cursor() as cursor:  # every form completed at its own moment, as in life
        cursor.execute(
            "UPDATE forms_engine_form SET completed_at = completed_at - id * interval '1 second' "
            "WHERE status = 'complete'; ANALYZE forms_engine_form"
        )
    awaiting = Form.objects.awaiting_sign_off()
    deep = awaiting.order_by("completed_at", "pk")[4000]
    with CaptureQueriesContext(connection) as queries:
        page = sign_off_page({}, timezone.localdate(), "completed_at", after=encode(deep.completed_at, deep.pk))
    assert page.rows[0].id != deep.pk and page.rows[0].completed_at >= deep.completed_at
    keys = queries.captured_queries[0]["sql"]  # the page's ids and sort keys; then its rows by id
    assert "LIMIT 26" in keys and '"forms_engine_formtype"' not in keys
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {keys}")
        result = cursor.fetchone()[0]
    result = (result if isinstance(result, list) else json.loads(result))[0]
    assert indexes_used(result["Plan"]) & set(AWAITING_INDEXES)
    read = form_rows_read(result["Plan"])
    # the cursor's row, the page and one more (is there a next?), and one that ends the sort's last group of times
    assert read <= 28, json.dumps(result["Plan"])[:2000]
    REPORT.append(f"sign-off list page 161 on 50,000 forms: {result['Execution Time']:.1f} ms, {read} form rows read")


def test_forms_case_page_reads_one_page_of_a_busy_clients_forms_as_a_prepared_statement(fifty_thousand_forms):
    """Forms (Case) walks the case's newest-first index for a page's ids, whatever plan PostgreSQL keeps for it.

    As at a council, the planner is told forms are spread over 100,000 cases, so the plan it keeps expects a handful of
    forms a case; the one case here has 50,000. (At 1,000,000 forms the kept plan of a single query that also joined
    type and user read all 1,211 forms of the busiest client and sorted them: bench/results.)
    """
    from forms_engine.queries import RESPONSIBLE, rows

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks the fixture's deferred foreign keys now
        cursor.execute("ALTER TABLE forms_engine_form ALTER COLUMN case_id SET (n_distinct = 100000)")
        cursor.execute("ANALYZE forms_engine_form")
    case = Form.objects.first().case
    # the page's ids (forms_engine.queries.case_forms_page): the newest-first index, no sort
    ids = generic_plan(case.forms.order_by("-start_date", "-id").values_list("pk", flat=True)[:25])
    assert "form_case_newest_idx" in indexes_used(ids["Plan"]), json.dumps(ids["Plan"])[:2000]
    assert "Sort" not in json.dumps(ids["Plan"]), json.dumps(ids["Plan"])[:2000]
    page = list(case.forms.order_by("-start_date", "-id").values_list("pk", flat=True)[:25])
    found = generic_plan(rows(Form.objects.filter(pk__in=page).order_by("-start_date", "-id"), *RESPONSIBLE))
    assert form_rows_read(found["Plan"]) <= 25, json.dumps(found["Plan"])[:2000]


@pytest.mark.parametrize("bar", ["type", "age"])
def test_the_list_views_own_queries_keep_plans_on_the_awaiting_index(fifty_thousand_forms, bar, client):
    """The sign-off list reads a page's ids and sort keys (caredirector.keyset), then those rows by id. The plans
    PostgreSQL keeps for both, made without the parameters' values, read the awaiting index from the cursor and the
    page's rows, no more."""
    from django.urls import reverse

    from dashboards import queries

    with connection.cursor() as cursor:  # every form completed at its own moment, as in life
        cursor.execute(
            "UPDATE forms_engine_form SET completed_at = completed_at - id * interval '1 second' "
            "WHERE status = 'complete'; ANALYZE forms_engine_form"
        )
    client.force_login(UserFactory(roles=["Head of service"]))  # every team's forms: the council-wide list
    # the band over 10 days: the shift by id above moves forms back in time, never out of it
    selection = {"type": fifty_thousand_forms[2].pk} if bar == "type" else {"age": "11+"}
    url = reverse("dashboards:sign-off-list")
    first = client.get(url, selection).context["page"]
    deep = client.get(url, {**selection, "after": first.next_cursor}).context["page"]
    for _ in range(30):  # deeper: past page 30
        deep = client.get(url, {**selection, "after": deep.next_cursor}).context["page"]
    page = client.get(url, {**selection, "after": deep.next_cursor}).context["page"]
    assert len(page.rows) == 25
    kind, values = queries.bar(selection, timezone.localdate())
    last = deep.rows[-1]
    for from_cursor in (False, True):
        cursor = {"key": last.completed_at, "key_pk": last.id} if from_cursor else {}
        result = prepared_plan(queries._keys(kind, "all", "completed_at", True, from_cursor), 26, **values, **cursor)
        text = json.dumps(result["Plan"])
        assert "Seq Scan" not in text and indexes_used(result["Plan"]) & set(AWAITING_INDEXES), text[:2000]
        if from_cursor:  # the index is entered at the cursor (its row, 26, and one that ends the last group of times)
            assert form_rows_read(result["Plan"]) <= 28, text[:2000]
    ids = {f"id{index}": pk for index, pk in enumerate(page.ids)}
    found = prepared_plan(queries.SIGN_OFF_ROWS, None, **ids)
    assert scanned_whole(found["Plan"]) <= REFERENCE_TABLES and form_rows_read(found["Plan"]) <= 25


def prepared_plan(prepared, limit, **values):
    """The plan PostgreSQL keeps for a Prepared's statement (caredirector/prepared.py) run with these values."""
    from caredirector.prepared import Param

    sql, params, _columns, _row = prepared._compiled("default", limit, 0)
    given = [
        param.output_field.get_db_prep_value(values[param.name], connection) if isinstance(param, Param) else param
        for param in params
    ]
    return generic_plan_of(sql, given)


def test_a_teams_list_reads_its_page_keys_from_the_awaiting_index_alone(fifty_thousand_forms):
    """A manager's own list walks the awaiting-by-age index in order and checks each form's Responsible User against
    their teams from the index itself (it includes the user): no form row is read for the keys."""
    from dashboards import queries
    from tests.factories import TeamFactory

    worker = Form.objects.filter(status="complete").values_list("responsible_user", flat=True).first()
    manager = UserFactory(roles=["Manager"])
    team = TeamFactory(name="Plan Team")
    team.members.add(worker)
    team.managers.add(manager)
    today = timezone.localdate()
    kind, values = queries.bar({"age": "11+"}, today)
    result = prepared_plan(
        queries._keys(kind, "mine", "completed_at", True, False), 26, **values, viewer=manager.pk, day=today
    )
    text = json.dumps(result["Plan"])

    def form_scans(node):
        found = [node["Node Type"]] if node.get("Relation Name") == "forms_engine_form" else []
        return found + [kind for child in node.get("Plans", []) for kind in form_scans(child)]

    assert form_scans(result["Plan"]) == ["Index Only Scan"], text[:2000]
    assert "form_awaiting_by_age_idx" in text


@pytest.mark.parametrize("scope_kind", ["team", "mine"])
def test_a_teams_count_of_a_waiting_band_keeps_a_plan_on_the_by_user_index(fifty_thousand_forms, scope_kind):
    """A team's forms of a waiting band are counted by a statement compiled once (dashboards.queries), so PostgreSQL
    keeps one plan for every team and band: it walks the members' entries of the index by Responsible User, never
    every Complete form."""
    from caredirector.prepared import Param
    from cases.models import TeamDeputy
    from dashboards import queries as dashboard_queries
    from tests.factories import TeamFactory

    worker = Form.objects.awaiting_sign_off().first().responsible_user
    manager = UserFactory(roles=["Manager"])
    team = TeamFactory()
    team.members.add(worker, *[UserFactory() for _ in range(14)])
    team.managers.add(manager)
    today = timezone.localdate()
    TeamDeputy.objects.create(team=TeamFactory(), deputy=manager, starts_on=today, ends_on=today)
    kind, values = dashboard_queries.bar({"age": "3-5"}, today)
    values |= {"viewer": manager.pk, "day": today, "team": team.pk}
    sql, params, *_ = dashboard_queries._counted_total(kind, scope_kind)._compiled("default", None, 0)
    result = generic_plan_of(sql, [values[param.name] if isinstance(param, Param) else param for param in params])
    assert "form_awaiting_by_user_idx" in indexes_used(result["Plan"]), json.dumps(result["Plan"])[:2000]
    assert "forms_engine_form" not in scanned_whole(result["Plan"]), json.dumps(result["Plan"])[:2000]
    scope = dashboard_queries.Scope(scope_kind, viewer=manager.pk, day=today, team=team.pk)
    assert dashboard_queries.awaiting_total({"age": "3-5"}, today, scope) == (1000, False)
