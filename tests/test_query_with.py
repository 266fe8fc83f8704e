"""`query_with` (caredirector/jinja2.py): the links of a list (its sort headings, its pages) keep the rest of the
address as it was, encoded as Django's QueryDict encodes it."""

import pytest
from django.test import RequestFactory

from caredirector.jinja2 import query_with


@pytest.mark.parametrize(
    ("address", "changes", "expected"),
    [
        ("", {}, "?"),
        ("", {"sort": "case"}, "?sort=case"),
        ("age=11%2B&after=abc", {"sort": "client", "after": None, "before": None}, "?age=11%2B&sort=client"),
        ("team=all&sort=newest", {"sort": "case"}, "?team=all&sort=case"),  # a parameter changed in its place
        ("a=1&a=2&b=%C3%A9+x&c=", {"d": "e f"}, "?a=1&a=2&b=%C3%A9+x&c=&d=e+f"),  # repeated, non-ASCII, empty
        ("after=x", {"after": None}, "?"),
    ],
)
def test_query_with_changes_only_what_it_is_given(address, changes, expected):
    request = RequestFactory().get(f"/?{address}")
    assert query_with(request, **changes) == expected
    copied = request.GET.copy()  # what Django's own QueryDict would give
    for key, value in changes.items():
        if value is None:
            copied.pop(key, None)
        else:
            copied[key] = value
    assert expected == (f"?{copied.urlencode()}" if copied else "?")
    assert request.GET.urlencode() == RequestFactory().get(f"/?{address}").GET.urlencode()  # the request unchanged
