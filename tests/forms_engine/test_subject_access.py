"""Subject access request: one ZIP of everything held on a person, for information governance, logged."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document

from accounts import roles
from cases.models import RecordAccess
from forms_engine import actions
from tests.factories import CaseFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def governance():
    return UserFactory(username="ig", roles=[roles.INFORMATION_GOVERNANCE])


def rows(archive, name):
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_holds_everything_on_the_person_and_is_logged(client, governance, practitioner, manager):
    closed = make_form(status="closed", responsible_user=practitioner, manager=manager)
    person = closed.case.person
    second_case = CaseFactory(person=person)
    open_form = make_form(case=second_case, responsible_user=practitioner)
    actions.print_form(
        form=closed, section_ids=[s["id"] for s in closed.version.sections], comment="For the file", by=practitioner
    )
    person.given_name = "Renamed"
    person.save()
    someone_else = make_form(responsible_user=practitioner)  # another person's: not in the file
    client.force_login(practitioner)
    client.get(reverse("cases:case-detail", args=[second_case.pk]))  # a view, logged
    client.force_login(governance)
    page = client.get(reverse("forms:subject-access", args=[second_case.pk]))
    assert page.status_code == 200 and "2 cases" in page.content.decode() and "2 forms" in page.content.decode()
    response = client.post(reverse("forms:subject-access", args=[second_case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="subject-access-renamed-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"person.csv", "person_history.csv", "cases.csv", "case_history.csv", "forms.csv"} <= names
    assert {"form_history.csv", "prints.csv", "access_log.csv"} <= names
    assert rows(archive, "person.csv")[0]["given_name"] == "Renamed"
    given = [row["given_name"] for row in rows(archive, "person_history.csv")]
    assert given[-1] == "Renamed" and len(set(given)) == 2  # as recorded, then as renamed
    assert {row["id"] for row in rows(archive, "cases.csv")} == {str(closed.case_id), str(second_case.pk)}
    assert {row["id"] for row in rows(archive, "forms.csv")} == {str(closed.pk), str(open_form.pk)}
    assert str(someone_else.pk) not in {row["id"] for row in rows(archive, "form_history.csv")}
    assert {row["id"] for row in rows(archive, "form_history.csv")} == {str(closed.pk), str(open_form.pk)}
    assert [row["comment"] for row in rows(archive, "prints.csv")] == ["For the file"]
    assert [row["kind"] for row in rows(archive, "access_log.csv")] == ["case_record"]
    documents = sorted(name for name in names if name.startswith("forms/"))
    assert documents == sorted(
        f"forms/{form.reference}-{form.form_type.name.lower().replace(' ', '-')}.docx" for form in (closed, open_form)
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(archive.read(documents[0]))).paragraphs)
    assert "Office Use Only" in text  # every section, the office's too
    logged = RecordAccess.objects.filter(kind=RecordAccess.Kind.SUBJECT_ACCESS)
    assert list(logged.values_list("person_id", "user_id")) == [(person.pk, governance.pk)]


def test_only_information_governance_exports(client, practitioner, manager):
    case = CaseFactory()
    for user in (practitioner, manager, UserFactory(username="hos", roles=[roles.HEAD_OF_SERVICE])):
        client.force_login(user)
        assert client.get(reverse("forms:subject-access", args=[case.pk])).status_code == 403
        assert client.post(reverse("forms:subject-access", args=[case.pk])).status_code == 403
    assert not RecordAccess.objects.filter(kind=RecordAccess.Kind.SUBJECT_ACCESS).exists()
