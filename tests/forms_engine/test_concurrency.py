"""Rules that must hold when requests race, proved with real concurrent connections on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from accounts import roles
from forms_engine import actions
from forms_engine.models import Form
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, make_form

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proved on PostgreSQL: set DATABASE_URL to run it")


def run_at_once(*calls):
    """Run the calls in threads, each on its own database connection, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - the test inspects what each racer got
            outcomes[index] = ("refused", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("app_check", [True, False], ids=["with-app-check", "database-alone"])
def test_two_connections_creating_the_same_form_give_exactly_one(monkeypatch, app_check):
    practitioner = UserFactory(roles=[roles.PRACTITIONER])
    case, form_type = CaseFactory(), FormTypeFactory()
    form_type.current_version()
    if not app_check:
        # Prove the database itself settles the race: skip the friendly check that runs before the insert.
        monkeypatch.setattr(actions, "_refuse_if_open_form_exists", lambda **kwargs: None)

    def create():
        return actions.create_form(case=case, form_type=form_type, responsible_user=practitioner, by=practitioner)

    for _round in range(5):
        outcomes = run_at_once(create, create)
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["ok", "refused"], outcomes
        refusal = next(value for kind, value in outcomes if kind == "refused")
        assert isinstance(refusal, actions.OpenFormExists), refusal
        assert Form.objects.open().filter(case=case, form_type=form_type).count() == 1
        # Close the winner so the next round races again from nothing open.
        Form.objects.filter(case=case).delete()


def test_two_managers_closing_at_once_give_one_close_and_one_history_row():
    practitioner = UserFactory(roles=[roles.PRACTITIONER])
    first, second = UserFactory(roles=[roles.MANAGER]), UserFactory(roles=[roles.MANAGER])
    form = make_form(status="complete", responsible_user=practitioner)
    history_before = form.history.count()

    def close_by(manager):
        return lambda: actions.close_form(
            form=form, revision=form.revision, by=manager, closed_on=form.completed_on, name=manager.display_name
        )

    outcomes = run_at_once(close_by(first), close_by(second))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert isinstance(next(v for k, v in outcomes if k == "refused"), actions.EditConflict | actions.ActionRefused)
    form.refresh_from_db()
    assert form.status == "closed"
    assert form.history.count() == history_before + 1


def test_racing_bulk_closes_close_each_form_once():
    """Two managers close the same 20 forms at once, each from their list: every form is closed by one of them,
    with one history row of its closing; the other is told, form by form."""
    practitioner = UserFactory(roles=[roles.PRACTITIONER])
    first, second = (UserFactory(username=name, roles=[roles.MANAGER]) for name in ("first", "second"))
    form_type = FormTypeFactory(multiple_open_allowed=True)
    forms = [make_form(status="complete", form_type=form_type, responsible_user=practitioner) for _ in range(20)]
    shown = [(form.pk, form.revision) for form in forms]
    today = forms[0].completed_on

    def close_all(by):
        return lambda: actions.sign_off_many(forms=shown, by=by, close=(today, by.username))

    outcomes = run_at_once(close_all(first), close_all(second))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    (done_1, refused_1), (done_2, refused_2) = (result for _, result in outcomes)
    assert len(done_1) + len(done_2) == 20 and len(refused_1) + len(refused_2) == 20
    assert {form.pk for form in done_1}.isdisjoint(form.pk for form in done_2)
    assert all("no longer Complete" in why for _pk, _form, why in refused_1 + refused_2)
    for form in Form.objects.filter(pk__in=[pk for pk, _ in shown]):
        assert form.status == "closed" and form.closed_by_name in ("first", "second")
        assert form.history.filter(history_change_reason__startswith="Closed by").count() == 1


def test_two_managers_naming_the_same_deputy_for_overlapping_days_at_once_name_them_once(monkeypatch):
    """The overlap check and the insert race: the team's row is locked first, so the second request waits for the
    first and is refused. (Without the lock both pass the check, and the deputy is named twice for the same days.)"""
    import datetime

    from cases import teams
    from cases.models import TeamDeputy
    from tests.factories import TeamFactory

    first, second, deputy = (UserFactory(username=name, roles=[roles.MANAGER]) for name in ("one", "two", "dep"))
    team = TeamFactory()
    team.managers.add(first, second)
    today = datetime.date(2026, 12, 8)
    # hold each request between its check and its insert until the other arrives (or 2 s pass)
    gate, create = threading.Barrier(2), TeamDeputy.objects.create

    def held_create(**fields):
        try:
            gate.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the other request is waiting for the lock: it has not checked yet
        return create(**fields)

    monkeypatch.setattr(TeamDeputy.objects, "create", held_create)

    def name_by(manager, starts, ends):
        return lambda: teams.name_deputy(
            team=team,
            deputy=deputy,
            starts_on=today + datetime.timedelta(days=starts),
            ends_on=today + datetime.timedelta(days=ends),
            by=manager,
            today=today,
        )

    outcomes = run_at_once(name_by(first, 0, 7), name_by(second, 5, 12))
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    refusal = next(value for kind, value in outcomes if kind == "refused")
    assert isinstance(refusal, teams.TeamRefused) and "already deputy" in str(refusal)
    assert TeamDeputy.objects.filter(team=team, deputy=deputy).count() == 1
