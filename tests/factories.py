"""Factories for the tests. They create the code values and roles they need, so they also work after a flush."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group, Permission

from accounts import roles
from accounts.models import User
from cases.models import Case, Person, Team
from cases.validators import nhs_check_digit
from cld.models import CodeList, CodeValue

ROLE_PERMISSIONS = {
    roles.PRACTITIONER: [],
    roles.MANAGER: [("accounts", "authorise_forms")],
    roles.FORM_ADMINISTRATOR: [],
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
