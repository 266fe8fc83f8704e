"""Factories for the tests. They create the code values and roles they need, so they also work after a flush."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group, Permission

from accounts import roles
from accounts.models import User
from cases.models import Case, Person, Team
from cases.validators import nhs_check_digit
from codes.models import CodeList, CodeValue

ROLE_PERMISSIONS = {
    roles.PRACTITIONER: [("accounts", "record_forms"), ("accounts", "print_forms")],
    roles.MANAGER: [("accounts", "record_forms"), ("accounts", "authorise_forms"), ("accounts", "print_forms")],
    roles.FORM_ADMINISTRATOR: [],
    roles.DATA_TEAM: [("accounts", "run_cld_extract")],
    roles.HEAD_OF_SERVICE: [
        ("accounts", "authorise_forms"),
        ("accounts", "print_forms"),
        ("accounts", "sign_off_all_teams"),
    ],
    roles.INFORMATION_GOVERNANCE: [("accounts", "view_access_log"), ("accounts", "export_subject_access")],
}


def code(key, label):
    """Return the code value of a defined list, creating it (valid in both releases) if a flush removed it."""
    code_list, _ = CodeList.objects.get_or_create(key=key, defaults={"name": key.replace("_", " ").title()})
    value, _ = CodeValue.objects.get_or_create(
        code_list=code_list, label=label, defaults={"in_release_1": True, "in_release_2": True}
    )
    return value


def role(name):
    """Return a role's group with its permissions."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        for app_label, codename in ROLE_PERMISSIONS[name]:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


_nhs_counter = itertools.count(1)


def next_nhs_number():
    """Return a valid NHS number not used before in this test run."""
    while True:
        first_nine = f"999{next(_nhs_counter):06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(role(name))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    la_person_id = factory.Sequence(lambda n: f"{100000 + n}")
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(1950, 5, 17)
    nhs_number = factory.LazyFunction(next_nhs_number)
    gender = factory.LazyFunction(lambda: code("gender", "Female"))
    ethnicity = factory.LazyFunction(
        lambda: code("ethnicity", "White: English, Welsh, Scottish, Northern Irish or British")
    )
    postcode = "WF1 2EB"
    client_type = factory.LazyFunction(lambda: code("client_type", "Service user"))
    primary_support_reason = factory.LazyFunction(
        lambda: code("primary_support_reason", "Physical Support: Personal care support")
    )
    accommodation_status = factory.LazyFunction(
        lambda: code("accommodation_status", "Owner occupier or shared ownership scheme")
    )
    has_unpaid_carer = factory.LazyFunction(lambda: code("has_unpaid_carer", "Yes"))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    start_date = datetime.date(2025, 4, 1)
    responsible_team = factory.SubFactory(TeamFactory, name="Adult Social Care North")
    responsible_user = None


# --- Forms ------------------------------------------------------------------------------------------------------


class FormTypeFactory(factory.django.DjangoModelFactory):
    """A form type with two sections: 'About' (a required short text, an optional date) and 'Office Use Only'."""

    class Meta:
        model = "forms_engine.FormType"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Form {n}")
    code = factory.Sequence(lambda n: f"test-form-{n}")
    requires_sign_off = True

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from forms_engine.models import Question, Section

        about = Section.objects.create(form_type=self, title="About", order=1)
        Question.objects.create(section=about, label="Summary", kind="short_text", required=True, order=1)
        Question.objects.create(section=about, label="Date seen", kind="date", order=2)
        Section.objects.create(
            form_type=self, title="Office Use Only", order=2, office_use_only=True, left_out_of_print=True
        )


def question_ids(form_type):
    """Return {label: question id} for a form type."""
    return {question.label: question.pk for question in form_type.questions.all()}


def required_answers(version):
    """An answer to every question of a form-type version that is required to complete."""
    sample = {"date": "2026-04-01", "number": "3", "yes_no": "Yes"}
    answers = {}
    for question in version.questions():
        if question["required"]:
            choices = question["choices"]
            value = sample.get(question["kind"], choices[0] if choices else "Recorded for the test")
            answers[str(question["id"])] = [value] if question["kind"] == "multiple_choice" else value
    return answers


def make_form(*, status="in_progress", case=None, form_type=None, responsible_user, manager=None, answers=None):
    """Create a form through the real actions and move it to the given status."""
    from forms_engine import actions

    case = case or CaseFactory()
    form_type = form_type or FormTypeFactory()
    form = actions.create_form(case=case, form_type=form_type, responsible_user=responsible_user, by=responsible_user)
    if answers is None:
        answers = (
            {str(question_ids(form_type)["Summary"]): "Seen at home"} if "Summary" in question_ids(form_type) else {}
        )
    form = actions.save_answers(form=form, answers=answers, revision=form.revision, by=responsible_user)
    if status == "in_progress":
        return form
    form = actions.complete_form(form=form, answers=answers, revision=form.revision, by=responsible_user)
    if status == "complete" or form.status == status:
        return form
    return actions.close_form(
        form=form, revision=form.revision, by=manager, closed_on=form.completed_on, name=manager.display_name
    )


def keep_event_values(form):
    """Keep on a form what its blocks keep when the action sets it Complete (the CLD event's end, the person then),
    for a test that sets it Complete by hand."""
    from forms_engine.blocks import blocks_for

    for block in blocks_for(form.form_type):
        block.on_complete(form)
    form.save()


def bulk_forms(count, *, status, form_type, responsible_user, case=None, completed_days_ago=0, returned=False):
    """Insert many forms at once in a given state (for counting and query-budget tests), bypassing the actions."""
    import datetime as _dt

    from django.utils import timezone

    from forms_engine.models import Form

    case = case or CaseFactory()
    version = form_type.current_version()
    now = timezone.now()
    completed = now - _dt.timedelta(days=completed_days_ago) if status != "in_progress" else None
    closed = status == "closed"
    forms = [
        Form(
            case=case,
            form_type=form_type,
            version=version,
            status=status,
            single_open=False,
            responsible_user=responsible_user,
            created_by=responsible_user,
            completed_at=completed,
            closed_on=timezone.localdate(completed) if closed else None,
            closed_at=completed if closed else None,
            closed_by_name="Bulk Manager" if closed else "",
            returned_reason="Please add more detail." if returned else "",
            # what the CLD block keeps when the action sets a form Complete: the event ended that day
            cld_event_end=timezone.localdate(completed) if completed and form_type.has_cld_section else None,
        )
        for _ in range(count)
    ]
    return Form.objects.bulk_create(forms)
