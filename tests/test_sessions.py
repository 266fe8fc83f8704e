"""caredirector.sessions: the session's one query reads the signed-in user too, and Django still decides who it is."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Session, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password_change/done/"  # signed-in, and no query of its own


def test_a_signed_in_request_reads_session_and_user_in_one_query(client, practitioner):
    client.force_login(practitioner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200 and response.context["user"] == practitioner
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "JOIN" in queries[0]["sql"] and Session._meta.db_table in queries[0]["sql"]
    assert Session.objects.get(user=practitioner)  # the session names its user


def test_a_password_changed_elsewhere_still_signs_the_session_out(client, practitioner):
    client.force_login(practitioner)
    practitioner.set_password("a-new-long-passphrase")
    practitioner.save()
    assert client.get(PAGE).url.startswith(reverse("login"))


def test_the_session_data_not_the_column_says_who_is_signed_in(client, practitioner):
    """Were the column ever wrong, the user named in the session's signed data is read, not the joined one."""
    other = UserFactory(roles=["Manager"])
    client.force_login(practitioner)
    Session.objects.filter(user=practitioner).update(user=other)
    response = client.get(PAGE)
    assert response.status_code == 200 and response.context["user"] == practitioner
    assert not response.context["user"].has_perm("accounts.authorise_forms")


def test_deleting_a_user_ends_their_sessions(client):
    user = UserFactory(roles=["Practitioner"])
    client.force_login(user)
    key = client.session.session_key
    User.objects.filter(pk=user.pk).delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(PAGE).url.startswith(reverse("login"))


def test_a_session_without_a_user_names_none(client):
    session = client.session
    session["anything"] = 1
    session.save()
    row = Session.objects.get(session_key=session.session_key)
    assert row.user_id is None and SESSION_KEY not in session


def test_a_session_is_never_shown_by_its_key(client, practitioner):
    """The key signs its holder in: a deletion's confirmation page in the admin lists sessions by their str()."""
    client.force_login(practitioner)
    session = Session.objects.get(user=practitioner)
    assert session.session_key not in str(session) and str(practitioner.pk) in str(session)
