"""Random and hostile payloads against every view that handles input: never a 500, refusals change nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import roles
from codes.models import CodeValue
from forms_engine import actions
from forms_engine.models import Form, FormType, PrintRecord
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONTROL = "\x00\x01\x07\x0b\x0c\x1b\x7f\u200b\ufeff\ud7ff"
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list(CONTROL) + list("abc '\"<>&;%_\\")), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "1e9",
            "NaN",
            "null",
            "<script>x</script>",
            "'; DROP TABLE forms_engine_form; --",
            "%00",
            "../../etc/passwd",
            "٣",
            "１２",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.just("x" * 100_000),
)
values = st.one_of(hostile_text, st.lists(hostile_text, max_size=3))


def payload(known_fields):
    """A dict of known field names and random extra keys, each with a hostile value (or a list of them)."""
    keys = st.one_of(st.sampled_from(known_fields), st.text(min_size=1, max_size=12))
    return st.dictionaries(keys, values, max_size=len(known_fields) + 3)


def snapshot(form):
    form = Form.objects.get(pk=form.pk)
    cld = {field.attname: getattr(form, field.attname) for field in Form._meta.fields if field.name.startswith("cld_")}
    return (form.status, form.revision, form.answers, cld, form.history.count())


@pytest.fixture
def cld_form(db):
    worker = UserFactory(username="worker", roles=[roles.PRACTITIONER])
    form_type = FormType.objects.get(code="adult-conversation-record")
    form = actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=worker, by=worker)
    return form, worker


@FUZZ
@given(data=st.data())
def test_form_save_never_fails_and_refusals_change_nothing(cld_form, data):
    form, worker = cld_form
    client = Client()
    client.force_login(worker)
    questions = [f"q{q['id']}" for q in form.version.questions()]
    cld_fields = [
        f"cld-{name}"
        for name in (
            "event_type",
            "event_outcome",
            "assessment_type",
            "route_of_access",
            "caring_hours",
            "event_description_assessment",
            "long_term_support",
        )
    ]
    body = data.draw(
        payload(["revision", "status", "closed_on", "closed_by_name", "return_reason", *questions, *cld_fields])
    )
    revision_choice = data.draw(st.sampled_from(["current", "stale", "as drawn"]))
    current = Form.objects.get(pk=form.pk)
    if revision_choice == "current":
        body["revision"] = str(current.revision)
    elif revision_choice == "stale":
        body["revision"] = str(current.revision - 1)
    if data.draw(st.booleans()):  # a valid code value of another list, or of no list at all
        body["cld-event_type"] = str(CodeValue.objects.filter(code_list__key="route_of_access").first().pk)
    before = snapshot(form)
    others_before = list(Form.objects.exclude(pk=form.pk).values_list("pk", "revision"))
    response = client.post(form.get_absolute_url(), body)
    after = snapshot(form)
    assert response.status_code in (200, 302, 409), response.status_code
    if after != before:  # accepted: one save, one history row, a form still readable
        assert after[1] == before[1] + 1 and after[4] == before[4] + 1
        assert response.status_code in (200, 302)
        assert client.get(form.get_absolute_url()).status_code == 200
    if response.status_code == 409:
        assert after == before
    assert list(Form.objects.exclude(pk=form.pk).values_list("pk", "revision")) == others_before


@FUZZ
@given(body=payload(["form_type", "responsible_user", "case"]))
def test_create_form_never_fails(practitioner, body):
    case = CaseFactory()
    client = Client()
    client.force_login(practitioner)
    before = Form.objects.count()
    response = client.post(reverse("forms:form-new", args=[case.pk]), body)
    assert response.status_code in (200, 302)
    assert Form.objects.count() == before + (1 if response.status_code == 302 else 0)


@FUZZ
@given(body=payload(["sections", "comment"]))
def test_print_never_fails(practitioner, body):
    form = make_form(responsible_user=practitioner, form_type=FormTypeFactory(multiple_open_allowed=True))
    client = Client()
    client.force_login(practitioner)
    before = PrintRecord.objects.count()
    response = client.post(reverse("forms:form-print", args=[form.pk]), body)
    assert response.status_code == 200
    printed = response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert PrintRecord.objects.count() == before + (1 if printed else 0)


@FUZZ
@given(body=payload(["start", "end", "release", "action"]))
def test_cld_extract_page_never_fails(data_team, body):
    client = Client()
    client.force_login(data_team)
    response = client.post(reverse("cld:extract"), body)
    assert response.status_code in (200, 302)  # the errors beside the fields, or the run queued


@FUZZ
@given(body=payload(["username", "password", "next"]))
def test_login_never_fails(body):
    response = Client().post(reverse("login"), body)
    assert response.status_code in (200, 302)


@FUZZ
@given(query=payload(["q", "page", "show", "group", "type", "user", "age", "sort", "after", "before"]))
def test_lists_never_fail(manager, query):
    client = Client()
    client.force_login(manager)
    flat = {key: value[0] if isinstance(value, list) and value else value for key, value in query.items()}
    flat = {key: value for key, value in flat.items() if isinstance(value, str)}
    for name in ("cases:case-list", "dashboards:my-forms", "dashboards:sign-off", "dashboards:sign-off-list"):
        response = client.get(reverse(name), flat)
        assert response.status_code in (200, 404), (name, response.status_code)


@FUZZ
@given(body=payload(["revision", "status", "closed_on", "closed_by_name", "return_reason"]))
def test_sign_off_never_fails_and_refusals_change_nothing(practitioner, manager, body):
    form = make_form(
        status="complete", responsible_user=practitioner, form_type=FormTypeFactory(multiple_open_allowed=True)
    )
    client = Client()
    client.force_login(manager)
    before = snapshot(form)
    response = client.post(form.get_absolute_url(), body)
    after = snapshot(form)
    assert response.status_code in (200, 302, 409)
    if after != before:
        assert response.status_code == 302 and after[0] in ("closed", "in_progress") and after[1] == before[1] + 1
