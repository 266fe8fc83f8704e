"""On PostgreSQL the case list is served by indexes: newest first, and a search by the start of a name or an ID."""

import json

import pytest
from django.db import connection

from cases.models import Case, Person
from tests.factories import CaseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def many_people():
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's: set DATABASE_URL to run it")
    model = CaseFactory()
    person = model.person
    people = []
    for number in range(6000):
        person.pk = None
        person.la_person_id = f"P{number:06d}"
        person.nhs_number = ""
        person.given_name = f"Given{number:04d}"
        person.family_name = f"Family{number % 997:03d}x{number}"
        people.append(Person(**{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields}))
    Person.objects.bulk_create(people)
    Case.objects.bulk_create(
        Case(person=p, responsible_team=model.responsible_team, start_date=model.start_date) for p in people
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_person; ANALYZE cases_case")


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        result = cursor.fetchone()[0]
    return (result if isinstance(result, list) else json.loads(result))[0]["Plan"]


def nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def scans(plan, table):
    """(node type, index name) of every scan of a table in the plan."""
    return {(n["Node Type"], n.get("Index Name")) for n in nodes(plan) if n.get("Relation Name") == table}


@pytest.mark.parametrize("text", ["family042x", "given0042", "Given0042 Family", "p000042"])
def test_search_by_name_or_id_reads_people_by_index(many_people, text):
    found = Case.objects.for_list().search(text)
    assert found.exists()
    plan = plan_of(found.order_by())
    people = scans(plan, "cases_person")
    assert ("Seq Scan", None) not in people, people
    assert {node.get("Index Name") for node in nodes(plan)} & {
        "person_given_name_prefix_idx",
        "person_family_name_prefix_idx",
        "person_la_person_id_upper_idx",
    }, people


def test_case_list_pages_newest_first_from_the_index(many_people):
    plan = plan_of(Case.objects.for_list()[:25])
    assert ("Index Scan", "case_newest_idx") in scans(plan, "cases_case")
    assert all(node["Node Type"] != "Sort" for node in nodes(plan))
