"""The code lists as CSV in the admin (django-import-export): exported with their release validity and mapping,
imported back with a preview, refused when a row breaks the model's rules; and the lists' confirmation."""

import pytest
import tablib
from django.urls import reverse

from cld.events import Labels
from codes.models import CodeList, CodeValue
from codes.resources import CodeValueResource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HEADER = "list,label,order,in_release_1,in_release_2,maps_to_release_2,selectable,help_text"


def export(key):
    return CodeValueResource().export(CodeValue.objects.filter(code_list__key=key).order_by("order", "label"))


def test_a_list_exports_with_release_validity_and_mapping():
    text = export("client_type").csv
    assert text.splitlines()[0] == HEADER
    assert "client_type,Carer,1002,1,0,Unpaid carer,0," in text.replace("\r", "")  # Release 1 only, mapped


def test_an_unchanged_list_imports_back_as_no_change():
    result = CodeValueResource().import_data(
        tablib.Dataset().load(export("client_type").csv, format="csv"), dry_run=True
    )
    assert not result.has_errors() and {row.import_type for row in result.rows} == {"skip"}


def test_a_corrected_list_is_previewed_then_applied():
    data = export("client_type").csv
    data += "client_type,Unpaid carer (young adult),9,0,1,,1,A value the workbook adds\r\n"
    dataset = tablib.Dataset().load(data, format="csv")
    preview = CodeValueResource().import_data(dataset, dry_run=True)
    assert not preview.has_errors() and [row.import_type for row in preview.rows].count("new") == 1
    assert not CodeValue.objects.filter(label="Unpaid carer (young adult)").exists()  # a preview changes nothing
    CodeValueResource().import_data(dataset, dry_run=False)
    added = CodeValue.objects.get(code_list__key="client_type", label="Unpaid carer (young adult)")
    assert added.in_release_2 and not added.in_release_1 and added.help_text == "A value the workbook adds"


def test_a_mapping_to_a_value_outside_release_2_or_the_list_is_refused_and_nothing_changes():
    before = list(CodeValue.objects.values_list("pk", "label", "replaced_by_id"))
    for target in ("Carer known by association", "Female"):  # a Release 1 value; a value of another list
        rows = f"{HEADER}\r\nclient_type,Carer,2,1,0,{target},0,\r\nclient_type,Brand new,10,0,1,,1,\r\n"
        result = CodeValueResource().import_data(tablib.Dataset().load(rows, format="csv"), dry_run=False)
        assert result.has_validation_errors() or result.has_errors()
    assert list(CodeValue.objects.values_list("pk", "label", "replaced_by_id")) == before


def test_the_admin_offers_import_and_export_to_form_administrators(client):
    admin = UserFactory(username="fa", is_staff=True, roles=["Form administrator"])
    client.force_login(admin)
    assert client.get(reverse("admin:codes_codevalue_import")).status_code == 200
    assert client.get(reverse("admin:codes_codevalue_export")).status_code == 200
    client.force_login(UserFactory(roles=["Practitioner"]))
    assert client.get(reverse("admin:codes_codevalue_import")).status_code == 403


def test_the_extract_page_names_the_lists_not_confirmed(client, data_team):
    client.force_login(data_team)
    page = client.get(reverse("cld:extract")).content.decode()
    assert "not yet confirmed against the national workbook" in page and "Primary Support Reason" in page
    CodeList.objects.update(confirmed=True)
    assert "not yet confirmed" not in client.get(reverse("cld:extract")).content.decode()
    assert all(CodeList.objects.values_list("source", flat=True))  # every list says where it comes from


def test_primary_support_reasons_have_their_release_2_wording():
    old = CodeValue.objects.get(code_list__key="primary_support_reason", label="Learning Disability Support")
    new = CodeValue.objects.get(code_list__key="primary_support_reason", label="Learning disability support")
    assert old.replaced_by == new and old.in_release_1 and not old.in_release_2 and not old.selectable
    assert new.in_release_2 and new.selectable and not new.in_release_1
    assert Labels(2)(old.pk) == "Learning disability support" and Labels(1)(new.pk) == "Learning Disability Support"
    assert CodeValue.objects.filter(code_list__key="primary_support_reason", label="Support with memory and cognition")
