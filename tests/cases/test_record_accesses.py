"""Who viewed this record: the access log of a client, for information governance and the case's team's managers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cases.models import RecordAccess, TeamDeputy
from tests.factories import CaseFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = RecordAccess.Kind
NOW = timezone.now


@pytest.fixture
def governance():
    return UserFactory(username="ig", first_name="Iris", last_name="Gov", roles=[roles.INFORMATION_GOVERNANCE])


@pytest.fixture
def case():
    return CaseFactory(responsible_team=TeamFactory(name="Locality North"))


def log(case, user, kind=Kind.CASE_RECORD, days_ago=0, **extra):
    return RecordAccess.objects.create(
        person_id=case.person_id,
        case_id=case.pk,
        user=user,
        kind=kind,
        object_id=extra.pop("object_id", case.pk),
        at=NOW() - datetime.timedelta(days=days_ago, minutes=extra.pop("minutes", 0)),
        address=extra.pop("address", "192.0.2.1"),
    )


def page(client, case, **query):
    response = client.get(reverse("cases:record-accesses", args=[case.pk]), query)
    assert response.status_code == 200, response.status_code
    return response


def test_information_governance_sees_every_view_newest_first(client, governance, practitioner, case):
    log(case, practitioner, days_ago=2, address="192.0.2.9")
    log(case, practitioner, Kind.WORD, days_ago=1, object_id=77)
    other = CaseFactory()
    log(other, practitioner)  # another person's record: not listed
    client.force_login(governance)
    response = page(client, case)
    rows = response.context["page"].rows
    assert [(row.kind, row.object_id) for row in rows] == [(Kind.WORD, 77), (Kind.CASE_RECORD, case.pk)]
    html = response.content.decode()
    assert "Word document of" in html and "192.0.2.9" in html and practitioner.display_name in html
    # the page itself is not a view of the client's data: it adds no row
    assert RecordAccess.objects.filter(person_id=case.person_id).count() == 2


def test_the_list_filters_by_user_and_by_day(client, governance, practitioner, manager, case):
    log(case, practitioner, days_ago=10)
    log(case, manager, days_ago=5)
    log(case, practitioner, days_ago=1)
    client.force_login(governance)
    by_user = page(client, case, user=manager.pk).context["page"].rows
    assert [row.user_id for row in by_user] == [manager.pk]
    today = timezone.localdate()
    days = page(client, case, since=(today - datetime.timedelta(days=6)).isoformat(), until=today.isoformat())
    assert {row.user_id for row in days.context["page"].rows} == {manager.pk, practitioner.pk}
    assert len(days.context["page"].rows) == 2
    choices = dict(page(client, case).context["filters"].fields["user"].choices)
    assert set(choices) == {"", manager.pk, practitioner.pk}  # the people who viewed it
    wrong = page(client, case, since=today.isoformat(), until=(today - datetime.timedelta(days=1)).isoformat())
    assert "The last day cannot be before the first." in wrong.content.decode()


def test_keyset_pages_walk_every_view_once(client, governance, practitioner, case):
    for minute in range(120):
        log(case, practitioner, minutes=minute)
    client.force_login(governance)
    seen, query = [], {}
    while True:
        current = page(client, case, **query).context["page"]
        seen += [row.id for row in current.rows]
        if not current.next_cursor:
            break
        query = {"after": current.next_cursor}
    expected = list(RecordAccess.objects.order_by("-at", "-id").values_list("id", flat=True))
    assert seen == expected and len(seen) == 120


def test_the_cases_team_managers_see_it_others_are_refused(client, manager, practitioner, case):
    case.responsible_team.managers.add(manager)
    other_manager = UserFactory(username="om", roles=[roles.MANAGER])
    TeamFactory(name="Elsewhere").managers.add(other_manager)
    url = reverse("cases:record-accesses", args=[case.pk])
    for user, answer in ((manager, 200), (other_manager, 403), (practitioner, 403)):
        client.force_login(user)
        assert client.get(url).status_code == answer, user
        header = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
        assert ("Who viewed this record" in header) == (answer == 200)


@pytest.mark.parametrize("starts, ends, answer", [(0, 3, 200), (-5, -1, 403), (1, 3, 403)])
def test_a_deputy_of_the_cases_team_sees_it_inside_the_period(client, case, starts, ends, answer):
    deputy = UserFactory(username="dep", roles=[roles.MANAGER])
    today = timezone.localdate()
    TeamDeputy.objects.create(
        team=case.responsible_team,
        deputy=deputy,
        starts_on=today + datetime.timedelta(days=starts),
        ends_on=today + datetime.timedelta(days=ends),
    )
    client.force_login(deputy)
    assert client.get(reverse("cases:record-accesses", args=[case.pk])).status_code == answer


@pytest.mark.parametrize("count", [3, 300])
def test_the_page_query_count_does_not_grow(client, governance, practitioner, case, django_assert_num_queries, count):
    RecordAccess.objects.bulk_create(
        [
            RecordAccess(person_id=case.person_id, case_id=case.pk, user=practitioner, kind=Kind.FORM, object_id=n)
            for n in range(count)
        ]
    )
    client.force_login(governance)
    page(client, case)
    # the session, the user, the case, who viewed it (the filter's choices), the page's ids and times, its rows
    with django_assert_num_queries(6):
        response = page(client, case)
    assert len(response.context["page"].rows) == min(count, 50)
