"""accounts.backends.RoleBackend reads the signed-in user by hand: it must give the user the ORM would."""

import datetime

import pytest
from django.utils import timezone

from accounts.backends import RoleBackend
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_read_by_hand_is_the_orms_field_for_field():
    user = UserFactory(roles=["Manager"], first_name="Ada", last_name="O'Neill", email="ada@example.org")
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - datetime.timedelta(hours=5),
        date_joined=datetime.datetime(2024, 7, 1, 23, 30, tzinfo=datetime.UTC),  # a summer night: BST matters
    )
    loaded = RoleBackend().get_user(user.pk)
    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(loaded.last_login) and timezone.is_aware(loaded.date_joined)
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert loaded.has_perm("accounts.authorise_forms") and not loaded.has_perm("accounts.run_cld_extract")


def test_no_such_or_inactive_user_is_nobody():
    user = UserFactory(is_active=False)
    assert RoleBackend().get_user(user.pk) is None
    assert RoleBackend().get_user(user.pk + 1000) is None
    assert RoleBackend().get_user("not a number") is None
