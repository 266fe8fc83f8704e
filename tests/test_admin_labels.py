"""The admin's tabular inlines name each control by its column and row (WCAG 4.1.2): caredirector.admin."""

import pytest

from codes.models import CodeList

pytestmark = pytest.mark.django_db


def test_every_control_of_a_tabular_inline_is_named_by_column_and_row(client, form_admin):
    code_list = CodeList.objects.filter(values__isnull=False).distinct().order_by("pk").first()
    client.force_login(form_admin)
    html = client.get(f"/admin/codes/codelist/{code_list.pk}/change/").content.decode()
    for name in ("Label, row 1", "Label, row 2", "Replaced by, row 2", "Label, new row"):
        assert f'aria-label="{name}"' in html, name
    assert '<th class="original"><span class="visually-hidden">Saved as</span></th>' in html
