"""Teams' queues: a manager signs off their own teams' forms, a deputy a team's for a period, and a list of forms at
once (dashboards/views.py, cases/teams.py, forms_engine.actions.sign_off_many)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cases import teams
from cases.models import TeamDeputy
from forms_engine import actions
from forms_engine.models import Form
from tests.factories import FormTypeFactory, TeamFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def council(practitioner, manager):
    """Team A (managed by Mel, the manager fixture: Pat and Ann) and team B (managed by Bob: Tess); forms awaiting
    sign-off: A 3 (Alpha 2, Beta 1), B 2 (Gamma 2)."""
    ann = UserFactory(username="ann", first_name="Ann", last_name="Able", roles=[roles.PRACTITIONER])
    tess = UserFactory(username="tess", first_name="Tess", last_name="Other", roles=[roles.PRACTITIONER])
    bob = UserFactory(username="bob", first_name="Bob", last_name="Boss", roles=[roles.MANAGER])
    team_a, team_b = TeamFactory(name="Locality North"), TeamFactory(name="Occupational Therapy")
    team_a.members.add(practitioner, ann)
    team_a.managers.add(manager)
    team_b.members.add(tess)
    team_b.managers.add(bob)
    alpha, beta, gamma = (FormTypeFactory(name=name, multiple_open_allowed=True) for name in ("Alpha", "Beta", "Gamma"))
    forms = {
        "a": [
            make_form(status="complete", form_type=alpha, responsible_user=practitioner),
            make_form(status="complete", form_type=alpha, responsible_user=ann),
            make_form(status="complete", form_type=beta, responsible_user=practitioner),
        ],
        "b": [make_form(status="complete", form_type=gamma, responsible_user=tess) for _ in range(2)],
    }
    make_form(status="in_progress", form_type=gamma, responsible_user=practitioner)  # not awaiting
    return {
        "a": team_a,
        "b": team_b,
        "bob": bob,
        "ann": ann,
        "tess": tess,
        "forms": forms,
        "types": (alpha, beta, gamma),
    }


def chart(client, **query):
    response = client.get(reverse("dashboards:sign-off"), query)
    assert response.status_code == 200, response.status_code
    return {bar["label"]: bar["count"] for bar in response.context["bars"]}, response


def listed(client, **query):
    response = client.get(reverse("dashboards:sign-off-list"), query)
    assert response.status_code == 200, response.status_code
    return {row.form.id for row in response.context["rows"]}, response


def ids(forms):
    return {form.pk for form in forms}


def test_a_manager_sees_only_their_own_teams_forms(client, manager, practitioner, council):
    client.force_login(manager)
    by_type, response = chart(client)
    assert by_type == {"Alpha": 2, "Beta": 1}
    html = response.content.decode()
    assert "Gamma" not in html  # neither bar nor table row
    assert chart(client, group="user")[0] == {"Ann Able": 1, "Pat Practitioner": 2}
    assert sum(chart(client, group="age")[0].values()) == 3
    rows, response = listed(client)
    assert rows == ids(council["forms"]["a"]) and "3 forms awaiting" in response.content.decode()
    # crafted addresses: a bar of team B's, one of its members, team B itself, all teams
    gamma = council["types"][2]
    assert listed(client, type=gamma.pk)[0] == set()
    assert listed(client, user=council["tess"].pk)[0] == set()
    for url in (reverse("dashboards:sign-off"), reverse("dashboards:sign-off-list")):
        for team in (council["b"].pk, "all", "999999", "x"):
            assert client.get(url, {"team": team}).status_code == 403
    # the form page of one of team B's forms still opens (record access is not the queue's), but a crafted bulk
    # close of it is refused
    theirs = council["forms"]["b"][0]
    response = client.post(
        reverse("dashboards:sign-off-list"),
        {"form": f"{theirs.pk}:{theirs.revision}", "action": "close", "closed_on": TODAY(), "closed_by_name": "Mel"},
    )
    assert Form.objects.get(pk=theirs.pk).status == "complete"
    assert any("not in your teams' queue" in str(message) for message in get_messages(response.wsgi_request))


def test_the_chart_its_table_and_the_list_agree_on_one_team(client, manager, council):
    council["b"].managers.add(manager)  # Mel manages both teams: My teams, or one of them
    client.force_login(manager)
    assert chart(client)[0] == {"Alpha": 2, "Beta": 1, "Gamma": 2}
    by_type, response = chart(client, team=council["b"].pk)
    assert by_type == {"Gamma": 2}
    gamma_bar = response.context["bars"][0]["url"]
    assert f"team={council['b'].pk}" in gamma_bar and f"team={council['b'].pk}" in response.context["list_all_url"]
    assert listed(client, team=council["b"].pk)[0] == ids(council["forms"]["b"])
    assert listed(client, team=council["a"].pk, group="age")[0] == ids(council["forms"]["a"])
    choices = response.context["queue"].choices
    assert choices == [
        ("", "My teams"),
        (str(council["a"].pk), "Locality North"),
        (str(council["b"].pk), "Occupational Therapy"),
    ]


def test_a_head_of_service_sees_every_team_and_may_choose_one(client, council):
    head = UserFactory(username="head", roles=[roles.HEAD_OF_SERVICE])
    client.force_login(head)
    assert chart(client)[0] == {"Alpha": 2, "Beta": 1, "Gamma": 2}  # all teams: their default, managing none
    assert chart(client, team="all")[0] == {"Alpha": 2, "Beta": 1, "Gamma": 2}
    assert chart(client, team=council["b"].pk)[0] == {"Gamma": 2}
    assert listed(client, team=council["a"].pk)[0] == ids(council["forms"]["a"])
    assert client.get(reverse("dashboards:sign-off"), {"team": "999999"}).status_code == 403


def test_a_manager_of_no_team_is_told_so_and_sees_nothing(client, council):
    lone = UserFactory(username="lone", roles=[roles.MANAGER])
    client.force_login(lone)
    by_type, response = chart(client)
    assert by_type == {} and "You do not manage a team" in response.content.decode()
    assert listed(client)[0] == set()


@pytest.mark.parametrize(
    ("starts", "ends", "inside"),
    [(-1, 1, True), (0, 0, True), (-10, -1, False), (1, 5, False)],
    ids=["around today", "today only", "ended yesterday", "starts tomorrow"],
)
def test_a_deputy_sees_the_team_only_inside_the_period(client, manager, council, starts, ends, inside):
    TeamDeputy.objects.create(
        team=council["b"], deputy=manager, starts_on=TODAY() + starts * DAY, ends_on=TODAY() + ends * DAY
    )
    client.force_login(manager)
    expected = {"Alpha": 2, "Beta": 1, **({"Gamma": 2} if inside else {})}
    by_type, response = chart(client)
    assert by_type == expected
    team_b = client.get(reverse("dashboards:sign-off"), {"team": council["b"].pk})
    assert team_b.status_code == (200 if inside else 403)
    if inside:
        assert (str(council["b"].pk), "Occupational Therapy (as deputy)") in response.context["queue"].choices
        assert listed(client, team=council["b"].pk)[0] == ids(council["forms"]["b"])
    else:
        assert listed(client)[0] == ids(council["forms"]["a"])


def test_a_deputys_sign_off_records_that_they_signed_as_deputy(manager, council):
    TeamDeputy.objects.create(team=council["b"], deputy=manager, starts_on=TODAY(), ends_on=TODAY())
    first, second = council["forms"]["b"]
    closed = actions.close_form(form=first, revision=first.revision, by=manager, closed_on=TODAY(), name="Mel")
    assert closed.signed_as_deputy_for == council["b"]
    assert closed.history.latest().history_change_reason.endswith("(as deputy for Occupational Therapy)")
    returned = actions.return_form(form=second, revision=second.revision, by=manager, reason="More detail")
    assert returned.signed_as_deputy_for == council["b"]
    assert "(as deputy for Occupational Therapy)" in returned.history.latest().history_change_reason
    # the team's own manager signs as themself
    ours = council["forms"]["a"][0]
    assert (
        actions.close_form(
            form=ours, revision=ours.revision, by=manager, closed_on=TODAY(), name="Mel"
        ).signed_as_deputy_for
        is None
    )
    again = make_form(status="complete", form_type=council["types"][2], responsible_user=council["tess"])
    assert (
        actions.close_form(
            form=again, revision=again.revision, by=council["bob"], closed_on=TODAY(), name="Bob"
        ).signed_as_deputy_for
        is None
    )


def test_the_deputys_close_shows_on_the_form_and_in_the_print_header(client, manager, council):
    from forms_engine.printing import form_header

    TeamDeputy.objects.create(team=council["b"], deputy=manager, starts_on=TODAY(), ends_on=TODAY())
    form = council["forms"]["b"][0]
    actions.close_form(form=form, revision=form.revision, by=manager, closed_on=TODAY(), name="Mel Manager")
    client.force_login(manager)
    assert "as deputy for Occupational Therapy" in client.get(form.get_absolute_url()).content.decode()
    assert ("Team", "Occupational Therapy") in form_header(Form.objects.get(pk=form.pk))


def test_a_forms_team_is_its_responsible_users_on_forms_case_and_my_forms(client, practitioner, council):
    from cases.backends import TeamBackend

    TeamFactory(name="Carers").members.add(practitioner)  # a second team: both named, in name order
    form = council["forms"]["a"][0]
    client.force_login(practitioner)
    row = client.get(reverse("forms:case-forms", args=[form.case_id])).content.decode()
    assert "<td>Carers, Locality North</td>" in row
    assert (
        "Your team: <strong>Carers, Locality North</strong>"
        in client.get(reverse("dashboards:my-forms")).content.decode()
    )
    # read with the signed-in user, and by a query for anyone else: the same
    assert (
        TeamBackend().get_user(practitioner.pk).team_names == teams.team_names(practitioner) == "Carers, Locality North"
    )
    assert teams.team_names(council["tess"]) == "Occupational Therapy"
    assert TeamBackend().get_user(council["bob"].pk).team_names == ""


def test_the_teams_read_with_the_user_are_those_of_the_day_they_were_read(manager, council):
    from cases.backends import TeamBackend

    TeamDeputy.objects.create(team=council["b"], deputy=manager, starts_on=TODAY(), ends_on=TODAY())
    loaded = TeamBackend().get_user(manager.pk)
    expected = [(council["a"].pk, "Locality North", "manager"), (council["b"].pk, "Occupational Therapy", "deputy")]
    assert [tuple(team) for team in teams.teams_in_charge(loaded, TODAY())] == expected
    assert teams.teams_in_charge(manager, TODAY()) == teams.teams_in_charge(loaded, TODAY())  # the query agrees
    # another day is read afresh: tomorrow the deputy period is over
    assert [team.pk for team in teams.teams_in_charge(loaded, TODAY() + DAY)] == [council["a"].pk]


# --- Naming deputies --------------------------------------------------------------------------------------------


def name(team, deputy, by, starts=0, ends=7):
    return teams.name_deputy(
        team=team, deputy=deputy, starts_on=TODAY() + starts * DAY, ends_on=TODAY() + ends * DAY, by=by, today=TODAY()
    )


def test_only_a_teams_manager_names_another_manager_as_deputy(manager, practitioner, council):
    bob, team_b = council["bob"], council["b"]
    with pytest.raises(teams.TeamRefused, match="Only a manager of Occupational Therapy can name or end"):
        name(team_b, manager, manager)
    with pytest.raises(teams.TeamRefused, match="a deputy must be a manager") as refused:
        name(team_b, practitioner, bob)
    assert refused.value.field == "deputy"
    with pytest.raises(teams.TeamRefused, match="already manages"):
        name(team_b, bob, bob)
    with pytest.raises(teams.TeamRefused, match="cannot be before"):
        name(team_b, manager, bob, starts=5, ends=2)
    with pytest.raises(teams.TeamRefused, match="in the past"):
        name(team_b, manager, bob, starts=-9, ends=-1)
    with pytest.raises(teams.TeamRefused, match="a year at most"):
        name(team_b, manager, bob, starts=0, ends=400)
    appointment = name(team_b, manager, bob)
    assert appointment.named_by == bob and appointment.ends_on == TODAY() + 7 * DAY
    with pytest.raises(teams.TeamRefused, match="already deputy"):
        name(team_b, manager, bob, starts=7, ends=9)
    assert TeamDeputy.objects.count() == 1
    name(team_b, manager, bob, starts=8, ends=9)  # the days after the first period


def test_ending_a_period_ends_it_yesterday_and_withdraws_one_not_begun(manager, council):
    bob, team_b = council["bob"], council["b"]
    running = TeamDeputy.objects.create(team=team_b, deputy=manager, starts_on=TODAY() - 3 * DAY, ends_on=TODAY() + DAY)
    later = TeamDeputy.objects.create(
        team=team_b, deputy=manager, starts_on=TODAY() + 5 * DAY, ends_on=TODAY() + 6 * DAY
    )
    with pytest.raises(teams.TeamRefused):
        teams.end_deputy(appointment=running, by=manager, today=TODAY())
    assert teams.end_deputy(appointment=running, by=bob, today=TODAY()).ends_on == TODAY() - DAY
    assert teams.end_deputy(appointment=later, by=bob, today=TODAY()) is None
    assert list(TeamDeputy.objects.all()) == [running]
    assert [team.pk for team in teams.teams_in_charge(manager, TODAY())] == [council["a"].pk]


def test_the_teams_page_names_and_ends_deputies_and_shows_refusals_by_the_field(client, manager, council):
    bob, team_b = council["bob"], council["b"]
    client.force_login(bob)
    page = client.get(reverse("dashboards:teams")).content.decode()
    assert "Occupational Therapy" in page and "Tess Other" in page and "Name a deputy" in page
    url = reverse("dashboards:deputy-new", args=[team_b.pk])
    refused = client.post(url, {"deputy": manager.pk, "starts_on": TODAY() + 3 * DAY, "ends_on": TODAY() + DAY})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "There is a problem" in html and "The last day cannot be before the first." in html
    assert f'value="{(TODAY() + 3 * DAY).isoformat()}"' in html  # the typing is kept
    response = client.post(url, {"deputy": manager.pk, "starts_on": TODAY(), "ends_on": TODAY() + 2 * DAY})
    assert response.status_code == 302
    appointment = TeamDeputy.objects.get()
    assert (appointment.deputy, appointment.named_by) == (manager, bob)
    client.force_login(manager)  # the deputy sees the team on their page, and cannot end the period
    assert "you are deputy" in client.get(reverse("dashboards:teams")).content.decode()
    assert client.post(reverse("dashboards:deputy-end", args=[appointment.pk])).status_code == 403
    client.force_login(bob)
    assert client.post(reverse("dashboards:deputy-end", args=[appointment.pk])).status_code == 302
    assert not TeamDeputy.objects.exists()  # it began today: withdrawn


# --- Closing several forms at once ---------------------------------------------------------------------------------


def bulk(client, forms, **data):
    values = [f"{form.pk}:{form.revision}" for form in forms]
    return client.post(reverse("dashboards:sign-off-list"), {"form": values, **data})


def closing(**extra):
    return {
        "action": "close",
        "closed_on": TODAY().isoformat(),
        "closed_by_name": "Helen Brooks, Team Manager",
        **extra,
    }


def test_bulk_close_of_25_forms_writes_25_history_rows(client, manager, practitioner, council):
    form_type = FormTypeFactory(name="Delta", multiple_open_allowed=True)
    forms = [make_form(status="complete", form_type=form_type, responsible_user=practitioner) for _ in range(25)]
    history_before = {form.pk: form.history.count() for form in forms}
    client.force_login(manager)
    response = bulk(client, forms, **closing())
    assert response.status_code == 302
    for form in Form.objects.filter(pk__in=ids(forms)):
        assert form.status == "closed" and form.closed_by == manager
        assert form.closed_by_name == "Helen Brooks, Team Manager" and form.revision == forms[0].revision + 1
        assert form.history.count() == history_before[form.pk] + 1
        assert form.history.latest().history_change_reason.startswith("Closed by Helen Brooks, Team Manager")
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0].startswith("Closed 25 forms: ") and len(said) == 1


def test_bulk_close_closes_the_rest_and_names_each_form_it_could_not(client, manager, practitioner, council):
    form_type = FormTypeFactory(name="Delta", multiple_open_allowed=True)
    council["a"].members.add(manager)  # Mel records forms too: her own is not hers to close
    forms = [make_form(status="complete", form_type=form_type, responsible_user=practitioner) for _ in range(23)]
    own = make_form(status="complete", form_type=form_type, responsible_user=manager)
    changed, gone = forms[3], forms[7]
    shown = [*forms, own]  # as the list showed them, with their revisions then
    # meanwhile: another manager returns one and its practitioner completes it again; another closes one
    other = UserFactory(username="other", roles=[roles.MANAGER])
    returned = actions.return_form(form=changed, revision=changed.revision, by=other, reason="Check the date")
    actions.complete_form(form=returned, answers=returned.answers, revision=returned.revision, by=practitioner)
    actions.close_form(form=gone, revision=gone.revision, by=other, closed_on=TODAY(), name="Other")
    untouched = {pk: Form.objects.get(pk=pk).revision for pk in (changed.pk, gone.pk, own.pk)}
    client.force_login(manager)
    response = bulk(client, shown, **closing())
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0].startswith("Closed 21 forms:")
    refusals = said[1:]
    assert len(refusals) == 3
    assert any(changed.reference in text and "changed by Pat Practitioner" in text for text in refusals)
    assert any(gone.reference in text and "no longer Complete: it was set Closed by" in text for text in refusals)
    assert any(own.reference in text and "own" in text for text in refusals)
    # nothing half-done: the three as they were, the others closed once each
    for pk, revision in untouched.items():
        assert Form.objects.get(pk=pk).revision == revision
    done = [form for form in forms if form.pk not in (changed.pk, gone.pk)]
    assert Form.objects.filter(pk__in=ids(done), status="closed", closed_by=manager).count() == 21


def test_one_changed_form_of_25_leaves_24_closed_and_names_it(client, manager, practitioner, council):
    form_type = FormTypeFactory(name="Delta", multiple_open_allowed=True)
    forms = [make_form(status="complete", form_type=form_type, responsible_user=practitioner) for _ in range(25)]
    other = UserFactory(username="other", roles=[roles.MANAGER])
    returned = actions.return_form(form=forms[12], revision=forms[12].revision, by=other, reason="Check")
    actions.complete_form(form=returned, answers=returned.answers, revision=returned.revision, by=practitioner)
    client.force_login(manager)
    response = bulk(client, forms, **closing())
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0].startswith("Closed 24 forms:") and forms[12].reference not in said[0]
    assert (
        said[1]
        == f"{forms[12].reference} was not closed: it was changed by Pat Practitioner after you opened the list."
    )
    assert Form.objects.filter(pk__in=ids(forms), status="closed").count() == 24


def test_bulk_return_gives_each_form_the_one_reason(client, manager, practitioner, council):
    forms = council["forms"]["a"]
    client.force_login(manager)
    bulk(client, forms, action="return", return_reason="Add the carer's view, please.")
    for form in Form.objects.filter(pk__in=ids(forms)):
        assert (
            form.status == "in_progress"
            and form.is_returned
            and form.returned_reason == "Add the carer's view, please."
        )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (closing(closed_by_name=""), "closed_by_name", "Enter the name of the person closing the forms."),
        (closing(closed_on=""), "closed_on", "Enter the closing date."),
        (closing(closed_on=(TODAY() + DAY).isoformat()), "closed_on", "The closing date cannot be in the future."),
        ({"action": "return", "return_reason": "  "}, "return_reason", "Give the reason for returning the forms"),
        ({"action": "delete"}, "action", "Select a valid choice."),
    ],
)
def test_a_bulk_refusal_of_what_the_forms_share_changes_nothing_and_keeps_the_ticks(
    client, manager, council, data, field, message
):
    forms = council["forms"]["a"]
    client.force_login(manager)
    response = bulk(client, forms, **data)
    assert response.status_code == 200
    assert message in response.context["bulk"].errors[field][0]
    assert {row.form.id for row in response.context["rows"] if row.ticked} == ids(forms)
    assert response.content.decode().count(" checked data-tick") == 3  # the boxes stay ticked
    assert Form.objects.filter(pk__in=ids(forms), status="complete").count() == 3


def test_bulk_with_nothing_ticked_says_so(client, manager, council):
    client.force_login(manager)
    response = client.post(reverse("dashboards:sign-off-list"), closing())
    assert response.status_code == 200 and "Select the forms first" in response.content.decode()


@pytest.mark.parametrize("count", [3, 60])
def test_a_teams_queue_pages_within_their_query_budgets(
    client, manager, practitioner, django_assert_num_queries, count
):
    from tests.factories import bulk_forms

    team = TeamFactory(name="Budget Team")
    team.members.add(practitioner)
    team.managers.add(manager)
    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(count, status="complete", form_type=form_type, responsible_user=practitioner, completed_days_ago=2)
    client.force_login(manager)
    for query in ({}, {"team": team.pk}):
        for group in ("type", "user", "age"):
            # the session, the user with their roles and the teams they sign off today, one aggregate, the bars'
            # names (but for waiting times)
            with django_assert_num_queries(3 if group == "age" else 4):
                assert client.get(reverse("dashboards:sign-off"), {"group": group, **query}).status_code == 200
        # the session, the user (with the teams they sign off, which check a team named in the address), the bar's
        # form type, its total, the page's ids and keys, its rows
        with django_assert_num_queries(6):
            response = client.get(reverse("dashboards:sign-off-list"), {"type": form_type.pk, **query})
        assert len(response.context["rows"]) == min(count, 25)


@pytest.mark.parametrize("size", [2, 40])
def test_my_teams_page_query_count_does_not_grow(client, manager, django_assert_num_queries, size):
    team = TeamFactory(name="Budget Team")
    team.managers.add(manager)
    team.members.add(*[UserFactory(username=f"member{i}", roles=[roles.PRACTITIONER]) for i in range(size)])
    for i in range(size // 2 + 1):
        deputy = UserFactory(username=f"deputy{i}", roles=[roles.MANAGER])
        TeamDeputy.objects.create(team=team, deputy=deputy, starts_on=TODAY() + i * DAY, ends_on=TODAY() + i * DAY)
    client.force_login(manager)
    # the session, the user, the teams, their members, managers and deputies (prefetched), the deputy form's choices
    with django_assert_num_queries(7):
        response = client.get(reverse("dashboards:teams"))
    assert response.status_code == 200 and response.content.decode().count("Withdraw") == size // 2 + 1


def test_a_head_of_service_bulk_closes_the_team_they_chose(client, council):
    head = UserFactory(username="head", roles=[roles.HEAD_OF_SERVICE])
    client.force_login(head)
    url = f"{reverse('dashboards:sign-off-list')}?team={council['b'].pk}"
    forms = council["forms"]["b"] + council["forms"]["a"][:1]  # one ticked by a crafted POST, outside team B
    values = [f"{form.pk}:{form.revision}" for form in forms]
    response = client.post(url, {"form": values, **closing()})
    assert Form.objects.filter(pk__in=ids(council["forms"]["b"]), status="closed").count() == 2
    assert Form.objects.get(pk=council["forms"]["a"][0].pk).status == "complete"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0].startswith("Closed 2 forms") and "not in your teams' queue" in said[1]


def test_a_manager_who_chose_one_team_closes_only_its_forms(client, manager, council):
    council["b"].managers.add(manager)
    client.force_login(manager)
    url = f"{reverse('dashboards:sign-off-list')}?team={council['a'].pk}"
    theirs = council["forms"]["b"][0]
    client.post(url, {"form": [f"{theirs.pk}:{theirs.revision}"], **closing()})
    assert Form.objects.get(pk=theirs.pk).status == "complete"


def test_a_refused_bulk_post_keeps_the_revisions_the_user_saw(client, manager, practitioner, council):
    form = council["forms"]["a"][0]
    client.force_login(manager)
    seen = form.revision
    other = UserFactory(username="other", roles=[roles.MANAGER])
    returned = actions.return_form(form=form, revision=form.revision, by=other, reason="Check")
    actions.complete_form(form=returned, answers=returned.answers, revision=returned.revision, by=practitioner)
    refused = bulk(client, [form], **closing(closed_by_name=""))  # refused: no name; the box stays ticked as seen
    assert f'value="{form.pk}:{seen}" id="tick-{form.pk}" checked' in refused.content.decode()
    again = client.post(reverse("dashboards:sign-off-list"), {"form": [f"{form.pk}:{seen}"], **closing()})
    assert Form.objects.get(pk=form.pk).status == "complete"  # the change since is still caught
    assert any("changed by Pat Practitioner" in str(m) for m in get_messages(again.wsgi_request))


def test_naming_a_deputy_for_another_managers_team_is_refused(client, manager, council):
    client.force_login(manager)
    url = reverse("dashboards:deputy-new", args=[council["b"].pk])
    response = client.post(url, {"deputy": council["bob"].pk, "starts_on": TODAY(), "ends_on": TODAY()})
    assert response.status_code == 403 and not TeamDeputy.objects.exists()
