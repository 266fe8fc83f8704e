"""A NUL byte (which PostgreSQL text cannot hold) in any query string or sign-in field is answered, never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("cases:case-list", {"q": "a\x00b"}),
        ("cases:case-list", {"q": "\x00" * 10, "page": "\x00"}),
        ("dashboards:sign-off-list", {"sort": "a\x00", "age": "\x00"}),
        ("dashboards:sign-off", {"group": "\x00"}),
        ("dashboards:my-forms", {"show": "\x00"}),
    ],
)
def test_nul_in_query_string(client, manager, name, params):
    client.force_login(manager)
    assert client.get(reverse(name), params).status_code in (200, 404)


def test_nul_in_sign_in(client):
    response = client.post(reverse("login"), {"username": "a\x00", "password": "b\x00"})
    assert response.status_code == 200 and "Null characters are not allowed" in response.content.decode()
