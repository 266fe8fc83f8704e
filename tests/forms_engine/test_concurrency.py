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
