"""Restricted records: only the users and teams allowed open them; anyone else may break the glass, with a reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cases.models import BreakGlass, RecordAccess
from tests.factories import CaseFactory, TeamFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(practitioner, manager):
    form = make_form(status="closed", responsible_user=practitioner, manager=manager)
    person = form.case.person
    person.restricted, person.restriction_reason = True, "A member of staff"
    person.given_name, person.family_name = "Zebedee", "Quartermaine"  # no factory user shares the name
    person.save()
    return form


def pages(form):
    case = form.case_id
    return [
        ("GET", reverse("cases:case-detail", args=[case])),
        ("GET", reverse("forms:case-forms", args=[case])),
        ("GET", reverse("forms:form-new", args=[case])),
        ("GET", reverse("forms:form-edit", args=[form.pk])),
        ("GET", reverse("forms:form-history", args=[form.pk])),
        ("GET", reverse("forms:print-history", args=[form.pk])),
        ("GET", reverse("forms:form-print", args=[form.pk])),
        ("POST", reverse("forms:form-clone", args=[form.pk])),
    ]


def answers(client, form):
    return [(client.get(url) if method == "GET" else client.post(url)).status_code for method, url in pages(form)]


def test_a_restricted_record_is_refused_with_the_plain_page_on_every_page_of_it(client, restricted):
    stranger = UserFactory(username="stranger", roles=[roles.PRACTITIONER])
    client.force_login(stranger)
    assert answers(client, restricted) == [403] * 8
    page = client.get(reverse("cases:case-detail", args=[restricted.case_id])).content.decode()
    assert "This record is restricted" in page and "Break the glass" in page
    assert "Quartermaine" not in page and "Zebedee" not in page  # not even the name
    assert not RecordAccess.objects.exists()  # nothing was seen


def test_the_users_and_teams_allowed_and_information_governance_open_it(client, restricted):
    person = restricted.case.person
    named = UserFactory(username="named", roles=[roles.PRACTITIONER])
    member = UserFactory(username="member", roles=[roles.PRACTITIONER])
    boss = UserFactory(username="boss", roles=[roles.MANAGER])
    team = TeamFactory(name="Staff Cases")
    team.members.add(member)
    team.managers.add(boss)
    person.allowed_users.add(named)
    person.allowed_teams.add(team)
    governance = UserFactory(username="ig", roles=[roles.INFORMATION_GOVERNANCE])
    for user in (named, member, boss, governance):
        client.force_login(user)
        assert client.get(reverse("cases:case-detail", args=[restricted.case_id])).status_code == 200, user
        assert client.get(restricted.get_absolute_url()).status_code == 200, user


def test_breaking_the_glass_needs_a_reason_opens_the_record_for_hours_and_is_recorded(client, restricted, settings):
    stranger = UserFactory(username="stranger", roles=[roles.PRACTITIONER])
    client.force_login(stranger)
    target = restricted.get_absolute_url()
    url = reverse("cases:break-glass", args=[restricted.case_id])
    short = client.post(url, {"reason": "need", "next": target})
    assert short.status_code == 400 and "at least 10 characters" in short.content.decode()
    assert ">need</textarea>" in short.content.decode()  # the typing kept
    assert not BreakGlass.objects.exists()
    response = client.post(url, {"reason": "Safeguarding call from the police tonight", "next": target})
    assert response.status_code == 302 and response.url == target
    entry = BreakGlass.objects.get()
    assert (entry.user, entry.person_id) == (stranger, restricted.case.person_id)
    assert RecordAccess.objects.filter(kind=RecordAccess.Kind.BREAK_GLASS, user=stranger).count() == 1
    assert answers(client, restricted)[:2] == [200, 200]
    # a break of the glass opens the record for BREAK_GLASS_HOURS only
    earlier = UserFactory(username="earlier", roles=[roles.PRACTITIONER])
    BreakGlass.objects.create(
        user=earlier,
        person_id=restricted.case.person_id,
        reason="Long ago",
        at=timezone.now() - datetime.timedelta(hours=settings.BREAK_GLASS_HOURS, minutes=1),
    )
    client.force_login(earlier)
    assert client.get(target).status_code == 403


def test_breaking_the_glass_goes_back_only_to_this_site(client, restricted):
    client.force_login(UserFactory(username="stranger", roles=[roles.PRACTITIONER]))
    url = reverse("cases:break-glass", args=[restricted.case_id])
    response = client.post(url, {"reason": "Safeguarding call tonight", "next": "https://evil.example/"})
    assert response.url == restricted.case.get_absolute_url()


def test_a_restricted_person_is_not_found_in_lists_or_searches_by_others(client, restricted):
    person = restricted.case.person
    CaseFactory()  # someone else, listed
    stranger = UserFactory(username="stranger", roles=[roles.PRACTITIONER])
    allowed = UserFactory(username="allowed", roles=[roles.PRACTITIONER])
    person.allowed_users.add(allowed)
    for user, shown in ((stranger, False), (allowed, True)):
        client.force_login(user)
        for query in ({}, {"q": person.family_name}, {"q": person.la_person_id}, {"q": restricted.case.case_number}):
            listed = client.get(reverse("cases:case-list"), query).context["page"].object_list
            assert (restricted.case_id in {case.pk for case in listed}) == shown, (user, query)


def test_information_governance_reviews_every_break_of_the_glass(client, restricted, practitioner):
    BreakGlass.objects.create(user=practitioner, person=restricted.case.person, reason="Out-of-hours safeguarding")
    client.force_login(UserFactory(username="ig", roles=[roles.INFORMATION_GOVERNANCE]))
    page = client.get(reverse("cases:broken-glass"))
    assert page.status_code == 200 and "Out-of-hours safeguarding" in page.content.decode()
    client.force_login(practitioner)
    assert client.get(reverse("cases:broken-glass")).status_code == 403


def test_no_break_of_the_glass_can_be_changed_or_removed(practitioner, restricted):
    from cases.models import AccessLogRefused

    entry = BreakGlass.objects.create(user=practitioner, person=restricted.case.person, reason="A good reason")
    entry.reason = "Another"
    with pytest.raises(AccessLogRefused):
        entry.save()
    with pytest.raises(AccessLogRefused):
        entry.delete()
    with pytest.raises(AccessLogRefused):
        BreakGlass.objects.update(reason="x")
