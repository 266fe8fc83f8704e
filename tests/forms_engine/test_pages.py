import pytest
from django.urls import reverse

from forms_engine import actions
from forms_engine.models import Form, FormType, Question
from tests.factories import CaseFactory, FormTypeFactory, make_form, question_ids

pytestmark = pytest.mark.django_db


def test_forms_case_lists_forms_with_edit_and_view_icons(client, practitioner, manager):
    case = CaseFactory()
    open_form = make_form(case=case, responsible_user=practitioner)
    closed = make_form(case=case, status="closed", responsible_user=practitioner, manager=manager)
    client.force_login(practitioner)
    html = client.get(reverse("forms:case-forms", args=[case.pk])).content.decode()
    assert f"Edit: {open_form.form_type} {open_form.reference}" in html
    assert f"View Only: {closed.form_type} {closed.reference}" in html
    assert 'title="Edit"' in html and 'title="View Only"' in html
    assert "Create New Record" in html
    assert html.count("<tr>") == 3  # header and two forms


def test_forms_case_hides_create_for_users_who_cannot_record(client, form_admin):
    case = CaseFactory()
    client.force_login(form_admin)
    assert "Create New Record" not in client.get(reverse("forms:case-forms", args=[case.pk])).content.decode()
    assert client.get(reverse("forms:form-new", args=[case.pk])).status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_forms_case_query_count_does_not_grow(client, practitioner, django_assert_num_queries, count):
    case = CaseFactory()
    form_type = FormTypeFactory(multiple_open_allowed=True)
    for _ in range(count):
        make_form(case=case, form_type=form_type, responsible_user=practitioner)
    client.force_login(practitioner)
    # the session, the user with their roles, the case, the case's count of forms, the page's ids, those forms' rows
    # (with the teams of their Responsible Users), and the access log's row
    with django_assert_num_queries(7):
        response = client.get(reverse("forms:case-forms", args=[case.pk]))
    assert len(response.context["page"].object_list) == min(count, 25)


def test_forms_case_pages_newest_first_and_out_of_range_pages_show_the_nearest(client, practitioner):
    case = CaseFactory()
    form_type = FormTypeFactory(multiple_open_allowed=True)
    made = [make_form(case=case, form_type=form_type, responsible_user=practitioner).pk for _ in range(27)]
    client.force_login(practitioner)
    url = reverse("forms:case-forms", args=[case.pk])
    newest_first = list(Form.objects.filter(pk__in=made).order_by("-start_date", "-id").values_list("pk", flat=True))
    seen = []
    # as Django's Paginator.get_page: not a number, the first page; out of range, the last
    for asked, shown in (("1", 1), ("2", 2), ("99", 2), ("0", 2), ("x", 1), ("", 1), ("9" * 30, 2), ("-5", 2)):
        page = client.get(url, {"page": asked}).context["page"]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (shown, 27, 2), asked
        if asked in ("1", "2"):
            seen += [form.id for form in page.object_list]
    assert seen == newest_first
    empty = CaseFactory()
    page = client.get(reverse("forms:case-forms", args=[empty.pk]), {"page": "3"}).context["page"]
    assert (page.number, list(page.object_list), page.paginator.count) == (1, [], 0)


def test_create_new_record_opens_the_form_in_progress(client, practitioner):
    case = CaseFactory()
    form_type = FormTypeFactory(name="Home Visit Record")
    client.force_login(practitioner)
    page = client.get(reverse("forms:form-new", args=[case.pk])).content.decode()
    assert "Home Visit Record" in page and "Responsible User" in page and "data-filter-select" in page
    response = client.post(
        reverse("forms:form-new", args=[case.pk]), {"form_type": form_type.pk, "responsible_user": practitioner.pk}
    )
    form = Form.objects.get()
    assert response.status_code == 302 and response.url == form.get_absolute_url()
    assert (form.status, form.case, form.responsible_user, form.created_by) == (
        "in_progress",
        case,
        practitioner,
        practitioner,
    )
    html = client.get(response.url).content.decode()
    assert "Editing" in html and 'name="status"' in html


def test_create_lists_only_active_types_and_refuses_inactive(client, practitioner):
    case = CaseFactory()
    FormTypeFactory(name="Current Form")
    retired = FormTypeFactory(name="Retired Form", active=False)
    client.force_login(practitioner)
    page = client.get(reverse("forms:form-new", args=[case.pk])).content.decode()
    assert "Current Form" in page and "Retired Form" not in page
    response = client.post(
        reverse("forms:form-new", args=[case.pk]), {"form_type": retired.pk, "responsible_user": practitioner.pk}
    )
    assert response.status_code == 200 and "Choose one of the active form types." in response.content.decode()
    assert not Form.objects.exists()


def test_create_refused_while_a_form_of_the_type_is_open_with_link(client, practitioner, manager):
    case = CaseFactory()
    first = make_form(case=case, status="complete", responsible_user=practitioner)
    client.force_login(practitioner)
    response = client.post(
        reverse("forms:form-new", args=[case.pk]),
        {"form_type": first.form_type.pk, "responsible_user": practitioner.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200 and Form.objects.count() == 1
    assert "already has an open" in html and f'href="{first.get_absolute_url()}"' in html


def test_create_allowed_again_once_the_open_form_is_closed(client, practitioner, manager):
    case = CaseFactory()
    first = make_form(case=case, status="closed", responsible_user=practitioner, manager=manager)
    client.force_login(practitioner)
    client.post(
        reverse("forms:form-new", args=[case.pk]),
        {"form_type": first.form_type.pk, "responsible_user": practitioner.pk},
    )
    assert Form.objects.filter(case=case, form_type=first.form_type).count() == 2


def test_type_allowing_multiple_open_forms(practitioner):
    case = CaseFactory()
    form_type = FormTypeFactory(multiple_open_allowed=True)
    for _ in range(3):
        actions.create_form(case=case, form_type=form_type, responsible_user=practitioner, by=practitioner)
    assert Form.objects.open().filter(case=case).count() == 3


def test_same_type_on_another_case_is_independent(practitioner):
    form_type = FormTypeFactory()
    actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=practitioner, by=practitioner)
    actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=practitioner, by=practitioner)
    assert Form.objects.count() == 2


def test_clone_refused_while_a_form_of_the_type_is_open(client, practitioner, manager):
    case = CaseFactory()
    form_type = FormTypeFactory()
    closed = make_form(case=case, form_type=form_type, status="closed", responsible_user=practitioner, manager=manager)
    open_form = make_form(case=case, form_type=form_type, responsible_user=practitioner)
    client.force_login(practitioner)
    response = client.post(reverse("forms:form-clone", args=[closed.pk]), follow=True)
    html = response.content.decode()
    assert Form.objects.count() == 2
    assert "already has an open" in html and f'href="{open_form.get_absolute_url()}"' in html


def test_clone_links_both_ways_and_copies_every_answer(client, practitioner, manager):
    closed = make_form(status="closed", responsible_user=practitioner, manager=manager)
    ids = question_ids(closed.form_type)
    closed.answers  # noqa: B018
    client.force_login(practitioner)
    response = client.post(reverse("forms:form-clone", args=[closed.pk]))
    clone = Form.objects.get(cloned_from=closed)
    assert clone.answers == closed.answers == {str(ids["Summary"]): "Seen at home"}
    assert clone.version == closed.version
    assert closed.reference in client.get(response.url).content.decode()
    assert clone.reference in client.get(closed.get_absolute_url()).content.decode()


def test_closed_form_shows_clone_menu_and_no_inputs(client, practitioner, manager):
    closed = make_form(status="closed", responsible_user=practitioner, manager=manager)
    client.force_login(practitioner)
    html = client.get(closed.get_absolute_url()).content.decode()
    assert "View only" in html and ">Clone</button>" in html and '<input type="text"' not in html
    assert f"by {manager.display_name}" in html


def test_form_edit_page_query_count_does_not_grow_with_answers(client, practitioner, django_assert_num_queries):
    small = make_form(responsible_user=practitioner)
    big_type = FormTypeFactory()
    section = big_type.sections.first()
    for number in range(40):
        Question.objects.create(section=section, label=f"Extra {number}", kind="long_text", order=10 + number)
    answers = {str(q.pk): "An answer " * 20 for q in big_type.questions.all()}
    big = make_form(form_type=big_type, responsible_user=practitioner, answers=answers)
    client.force_login(practitioner)
    for form in (small, big):
        # the session, the user with their roles, the form with its case, person, type, version and people, and the
        # access log's row
        with django_assert_num_queries(4):
            assert client.get(form.get_absolute_url()).status_code == 200


def test_editing_a_form_type_never_changes_an_existing_form(client, practitioner, manager):
    form_type = FormTypeFactory()
    old = make_form(form_type=form_type, status="closed", responsible_user=practitioner, manager=manager)
    summary = Question.objects.get(form_type=form_type, label="Summary")
    summary.label = "Summary of the visit (renamed)"
    summary.save()
    Question.objects.filter(form_type=form_type, label="Date seen").delete()
    Question.objects.create(section=summary.section, label="New question", kind="yes_no", order=5)

    client.force_login(practitioner)
    old_html = client.get(old.get_absolute_url()).content.decode()
    assert "Summary" in old_html and "Date seen" in old_html and "renamed" not in old_html
    assert "New question" not in old_html and "version 1" in old_html

    new = actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=practitioner, by=practitioner)
    assert new.version.number == 2
    new_html = client.get(new.get_absolute_url()).content.decode()
    assert "Summary of the visit (renamed)" in new_html and "New question" in new_html and "Date seen" not in new_html
    # An unchanged definition reuses its version.
    again = actions.create_form(case=CaseFactory(), form_type=form_type, responsible_user=practitioner, by=practitioner)
    assert again.version == new.version


def test_deleting_a_form_type_with_forms_is_refused(practitioner):
    form = make_form(responsible_user=practitioner)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        FormType.objects.filter(pk=form.form_type_id).delete()


def test_answers_of_every_kind_round_trip(client, practitioner):
    form_type = FormTypeFactory(questions=False)
    section = form_type.sections.create(title="All kinds", order=1)
    kinds = {
        "short_text": ("Name", "Jo"),
        "long_text": ("Notes", "Line one\nLine two"),
        "date": ("When", "2026-03-04"),
        "number": ("Hours", "12.5"),
        "yes_no": ("Agreed", "Yes"),
        "single_choice": ("Priority", "High"),
        "multiple_choice": ("Needs", ["Bathing", "Stairs"]),
    }
    questions = {}
    for order, (kind, (label, _)) in enumerate(kinds.items()):
        choices = {"single_choice": "Urgent\nHigh\nRoutine", "multiple_choice": "Bathing\nStairs\nMeals"}.get(kind, "")
        questions[kind] = Question.objects.create(section=section, label=label, kind=kind, choices=choices, order=order)
    form = make_form(form_type=form_type, responsible_user=practitioner, answers={})
    data = {"revision": form.revision, "status": "in_progress"}
    for kind, (_, value) in kinds.items():
        data[f"q{questions[kind].pk}"] = value
    client.force_login(practitioner)
    assert client.post(form.get_absolute_url(), data).status_code == 302
    form.refresh_from_db()
    assert form.answers == {str(questions[kind].pk): value for kind, (_, value) in kinds.items()}
    html = client.get(form.get_absolute_url()).content.decode()
    assert 'value="2026-03-04"' in html and "Line one\nLine two</textarea>" in html


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        ("date", "31/02/2026", "Enter a valid date"),
        ("number", "twelve", "Enter a number"),
        ("single_choice", "Not a choice", "Select a valid choice"),
        ("yes_no", "Maybe", "Select a valid choice"),
        ("short_text", "x" * 1001, "at most 1000 characters"),
        ("short_text", "bad\x00byte", "Null characters are not allowed"),
    ],
)
def test_bad_answers_are_refused_beside_the_field_and_typing_kept(client, practitioner, kind, value, error):
    form_type = FormTypeFactory(questions=False)
    section = form_type.sections.create(title="S", order=1)
    question = Question.objects.create(
        section=section, label="Q", kind=kind, choices="A\nB" if "choice" in kind else ""
    )
    other = Question.objects.create(section=section, label="Other", kind="long_text", order=2)
    form = make_form(form_type=form_type, responsible_user=practitioner, answers={})
    client.force_login(practitioner)
    response = client.post(
        form.get_absolute_url(),
        {"revision": form.revision, "status": "in_progress", f"q{question.pk}": value, f"q{other.pk}": "Keep me"},
    )
    html = response.content.decode()
    form.refresh_from_db()
    assert response.status_code == 200 and error in html and "There is a problem" in html
    assert "Keep me</textarea>" in html
    assert form.answers == {} and form.revision == 2


def test_required_questions_are_marked_on_the_edit_page(client, practitioner):
    form = make_form(responsible_user=practitioner)
    client.force_login(practitioner)
    html = client.get(form.get_absolute_url()).content.decode()
    assert html.count("Required to complete the form.") == 1  # Summary, not Date seen


@pytest.mark.parametrize("flagged", [False, True])
def test_the_form_pages_read_gives_what_select_related_gives(practitioner, flagged):
    from forms_engine.models import CldQualityFlag
    from forms_engine.queries import PAGE_RELATIONS, form_for_page

    form = make_form(responsible_user=practitioner)
    if flagged:
        CldQualityFlag.objects.create(form=form, fields=["Event Outcome"])
    expected, found = Form.objects.for_page().get(pk=form.pk), form_for_page(form.pk)

    def values(instance):
        return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}

    assert values(found) == values(expected)
    for path in PAGE_RELATIONS:
        mine, theirs = found, expected
        for name in path.split("__"):
            mine, theirs = getattr(mine, name, None), getattr(theirs, name, None)
        assert (mine is None) == (theirs is None) and (mine is None or values(mine) == values(theirs)), path
    assert form_for_page(form.pk + 1000) is None
