"""Sign-in throttling, idle sessions, CSRF, and history that cannot be rewritten."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginThrottle
from forms_engine.models import Form
from tests.conftest import PASSWORD, app_urls, case_routes, cld_routes
from tests.factories import CaseFactory, make_form

pytestmark = pytest.mark.django_db


def attempt(client, username, password="wrong-password", address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failed_sign_ins_slow_down_then_lock_the_account(client, practitioner, settings):
    settings.LOGIN_THROTTLE_FREE_ATTEMPTS, settings.LOGIN_THROTTLE_LOCK_AFTER = 3, 5
    for _ in range(3):
        assert "Please enter a correct username and password" in attempt(client, "pat").content.decode()
    slowed = attempt(client, "pat").content.decode()
    assert "Too many failed sign-in attempts. Wait" in slowed
    # even the right password is refused while slowed down, and nothing is counted for it
    assert "Wait" in attempt(client, "pat", PASSWORD).content.decode()
    throttle = LoginThrottle.objects.get(key="user:pat")
    assert throttle.failures == 3
    # after the wait, two more failures lock the account
    LoginThrottle.objects.update(last_failure_at=timezone.now() - datetime.timedelta(seconds=61))
    attempt(client, "pat")
    LoginThrottle.objects.update(last_failure_at=timezone.now() - datetime.timedelta(seconds=61))
    attempt(client, "pat")
    locked = attempt(client, "pat", PASSWORD).content.decode()
    assert "Signing in is locked for about 15 minutes" in locked
    assert not client.session.get("_auth_user_id")
    # once the lock is over, the right password works and clears the count
    LoginThrottle.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert attempt(client, "pat", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(key="user:pat").exists()


def test_one_address_trying_many_accounts_is_throttled(client, practitioner, settings):
    settings.LOGIN_THROTTLE_FREE_ATTEMPTS = 3
    for name in ("alice", "bob", "carol"):
        attempt(client, name, address="10.9.9.9")
    assert "Too many failed" in attempt(client, "pat", PASSWORD, address="10.9.9.9").content.decode()
    assert attempt(Client(), "pat", PASSWORD, address="10.1.1.1").status_code == 302  # another address is fine


def test_throttle_is_in_the_database_not_in_memory(client, practitioner, settings):
    settings.LOGIN_THROTTLE_FREE_ATTEMPTS = 2
    attempt(client, "pat")
    attempt(Client(), "pat", address="10.0.0.2")  # another client, as if on another app server
    assert LoginThrottle.objects.get(key="user:pat").failures == 2
    assert "Too many failed" in attempt(Client(), "pat", address="10.0.0.3").content.decode()


def test_passwords_use_djangos_validators(client, practitioner):
    client.force_login(practitioner)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "This password is too common." in html and "too short" in html


def test_session_ends_after_inactivity(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("dashboards:my-forms")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("dashboards:my-forms"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_activity_pushes_the_session_end_back(client, practitioner, settings):
    client.force_login(practitioner)
    session = client.session
    session["_session_refreshed"] = 0
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=30))
    client.get(reverse("dashboards:my-forms"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS - 10)


def test_idle_timeout_is_a_setting(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS == 30 * 60


def state_changing_requests(form, case):
    yield from app_urls(
        {
            "cases": {"pk": case.pk},
            "forms": {"pk": form.pk},
            "dashboards": {"pk": 1},
            **case_routes(case.pk),
            **cld_routes(),
        }
    )


def test_csrf_is_enforced_on_every_state_changing_request(practitioner, manager):
    form = make_form(status="complete", responsible_user=practitioner)
    case = CaseFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    before = (Form.objects.count(), Form.objects.get(pk=form.pk).revision)
    checked = 0
    for name, path in state_changing_requests(form, case):
        response = client.post(path, {"status": "closed", "revision": form.revision})
        if response.status_code == 405:
            continue
        assert response.status_code == 403, (name, response.status_code)
        assert "CSRF" in response.content.decode() or "Forbidden" in response.content.decode()
        checked += 1
    assert checked >= 6
    assert (Form.objects.count(), Form.objects.get(pk=form.pk).revision) == before


def test_history_cannot_be_edited_or_deleted_in_the_admin(client, form_admin, practitioner):
    from accounts.models import User

    boss = User.objects.create_superuser("root", "root@example.org", "a-long-admin-password-1")
    form = make_form(responsible_user=practitioner)
    client.force_login(boss)
    person = form.case.person
    history_id = person.history.first().history_id
    # the historical models are not in the admin, and the history pages do not revert
    assert client.get("/admin/cases/historicalperson/").status_code == 404
    assert client.get("/admin/forms_engine/historicalform/").status_code == 404
    assert client.get(f"/admin/cases/person/{person.pk}/history/{history_id}/").status_code == 200
    revert = client.post(f"/admin/cases/person/{person.pk}/history/{history_id}/", {"given_name": "Changed"})
    assert revert.status_code == 403
    assert person.__class__.objects.get(pk=person.pk).given_name != "Changed"
    # forms can be looked at in the admin, never changed or deleted there
    assert client.get(f"/admin/forms_engine/form/{form.pk}/delete/").status_code == 403
    assert client.post(f"/admin/forms_engine/form/{form.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Form.objects.filter(pk=form.pk).exists()


def test_no_url_lets_a_practitioner_delete_a_form(client, practitioner):
    form = make_form(responsible_user=practitioner)
    client.force_login(practitioner)
    samples = {
        "cases": {"pk": form.case_id},
        "forms": {"pk": form.pk},
        "dashboards": {"pk": 1},
        **case_routes(form.case_id),
        **cld_routes(),
    }
    for _name, path in app_urls(samples):
        client.delete(path)
        client.post(path, {"action": "delete", "delete": "1"})
    assert Form.objects.filter(pk=form.pk).exists()
