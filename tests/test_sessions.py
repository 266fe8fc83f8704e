"""Sessions are Django's own (in the database); the backend reads the signed-in user and their role permissions in one
query, so no page pays again for the permission checks of its navigation."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from accounts.backends import RoleBackend
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password_change/done/"  # signed-in, and no query of its own


def test_a_signed_in_request_reads_the_session_then_the_user_with_role_permissions(client, manager):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    user = response.wsgi_request.user
    assert response.status_code == 200 and user == manager
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert Session._meta.db_table in queries[0]["sql"] and User._meta.db_table in queries[1]["sql"]
    with CaptureQueriesContext(connection) as checks:
        assert user.has_perm("accounts.authorise_forms") and user.has_perm("accounts.record_forms")
        assert not user.has_perm("accounts.run_cld_extract")
    assert len(checks) == 0


def test_the_users_query_does_not_grow_with_roles_and_groups(django_assert_num_queries):
    user = UserFactory(roles=[roles.PRACTITIONER, roles.MANAGER, roles.DATA_TEAM])
    for number in range(5):
        user.groups.add(Group.objects.create(name=f"Extra {number}"))
    with django_assert_num_queries(1):
        loaded = RoleBackend().get_user(user.pk)
        assert loaded.has_perm("accounts.run_cld_extract") and loaded.has_perm("accounts.authorise_forms")


def test_a_direct_permission_counts_as_a_role_permission():
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="run_cld_extract"))
    loaded = RoleBackend().get_user(user.pk)
    assert loaded.has_perm("accounts.run_cld_extract") and not loaded.has_perm("accounts.authorise_forms")


def test_other_permissions_are_djangos_as_ever():
    boss = UserFactory(is_superuser=True)
    loaded = RoleBackend().get_user(boss.pk)
    assert loaded.has_perm("forms_engine.view_form") and loaded.has_perm("accounts.authorise_forms")
    assert not RoleBackend().get_user(UserFactory().pk).has_perm("forms_engine.view_form")


def test_no_such_inactive_or_malformed_user_is_nobody():
    user = UserFactory(is_active=False)
    assert RoleBackend().get_user(user.pk) is None
    assert RoleBackend().get_user(user.pk + 1000) is None
    assert RoleBackend().get_user("not a number") is None


def test_a_password_changed_elsewhere_signs_the_session_out(client, practitioner):
    client.force_login(practitioner)
    practitioner.set_password("a-new-long-passphrase")
    practitioner.save()
    assert client.get(PAGE).url.startswith(reverse("login"))


def test_a_deleted_user_is_signed_out(client):
    user = UserFactory(roles=["Practitioner"])
    client.force_login(user)
    User.objects.filter(pk=user.pk).delete()
    assert client.get(PAGE).url.startswith(reverse("login"))


def test_the_session_engine_reads_what_djangos_database_sessions_read(client, practitioner, settings):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from accounts.sessions import SessionStore

    assert settings.SESSION_ENGINE == "accounts.sessions"
    store = DjangoStore()
    store["number"], store["text"] = 42, "café"
    store.create()
    ours = SessionStore(session_key=store.session_key)
    assert ours.load() == DjangoStore(session_key=store.session_key).load() == {"number": 42, "text": "café"}
    assert ours.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key(client, practitioner):
    import datetime

    from django.utils import timezone

    from accounts.sessions import SessionStore

    client.force_login(practitioner)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    store = SessionStore(session_key=key)
    assert store.load() == {} and store.session_key is None
    assert client.get(PAGE).url.startswith(reverse("login"))
    assert SessionStore(session_key="x" * 32).load() == {}
