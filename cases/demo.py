"""Demo people, cases, teams and users: deterministic, valid in every field, safe to create twice."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from cases.models import PERSON_CODE_FIELDS, Case, Person, Team
from cases.validators import nhs_check_digit
from codes.models import CodeValue

DEMO_PASSWORD = "care-demo-2026"  # noqa: S105  (printed on the console; seed_demo runs only with DEBUG on)
PEOPLE = 60

TEAMS = ("Adult Social Care North", "Occupational Therapy and Sensory Impairment")

USERS = [
    # username, first name, last name, role, member of (teams by index), manages, staff, superuser
    ("practitioner", "Priya", "Sharma", roles.PRACTITIONER, (0,), (), False, False),
    ("practitioner2", "Tom", "Walker", roles.PRACTITIONER, (1,), (), False, False),
    ("manager", "Helen", "Brooks", roles.MANAGER, (), (0,), False, False),
    ("manager2", "Grace", "Okoye", roles.MANAGER, (), (1,), False, False),
    ("head", "Dev", "Patel", roles.HEAD_OF_SERVICE, (), (), False, False),
    ("datateam", "Sam", "Okafor", roles.DATA_TEAM, (), (), False, False),
    ("governance", "Nadia", "Hussain", roles.INFORMATION_GOVERNANCE, (), (), False, False),
    ("admin", "Alex", "Morgan", roles.FORM_ADMINISTRATOR, (), (), True, True),
]

GIVEN_NAMES = (
    "Margaret",
    "John",
    "Susan",
    "David",
    "Patricia",
    "Michael",
    "Elizabeth",
    "Peter",
    "Joan",
    "Robert",
    "Dorothy",
    "William",
    "Aisha",
    "Mohammed",
    "Fatima",
    "Imran",
    "Grace",
    "Daniel",
    "Olivia",
    "Harry",
    "Amelia",
    "Jack",
    "Sofia",
    "Kwame",
    "Abena",
    "Zofia",
    "Tomasz",
    "Siobhan",
    "Liam",
    "Eileen",
    "Barbara",
    "Kenneth",
    "Irene",
    "Raj",
    "Priyanka",
)
FAMILY_NAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Hussain",
    "Khan",
    "Ahmed",
    "Patel",
    "Begum",
    "Mensah",
    "Kowalski",
    "Nowak",
    "O'Brien",
    "Murphy",
    "Hughes",
    "Turner",
    "Hill",
    "Moore",
    "Ward",
    "Bibi",
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
GP_PRACTICES = (
    ("Trinity Medical Centre", "B87001"),
    ("Outwood Park Medical Centre", "B87002"),
    ("Church View Surgery", "B87003"),
    ("Stanley Health Centre", "B87004"),
)


def nhs_numbers(rng):
    """Yield distinct valid NHS numbers from the 999 range, which the NHS keeps for testing."""
    seen = set()
    while True:
        first_nine = f"999{rng.randrange(10**6):06d}"
        check = nhs_check_digit(first_nine)
        if check is not None and first_nine not in seen:
            seen.add(first_nine)
            yield f"{first_nine}{check}"


def postcode(rng):
    district = rng.randint(1, 17)
    return f"WF{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


def seed_users_and_teams():
    """Create the teams and the demo users; return (users by username, teams, created count)."""
    User = get_user_model()
    teams = [Team.objects.get_or_create(name=name)[0] for name in TEAMS]
    users, created = {}, 0
    for username, first, last, role, member_of, manages, staff, superuser in USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": staff,
                "is_superuser": superuser,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            created += 1
        for index in member_of:
            teams[index].members.add(user)
        for index in manages:
            teams[index].managers.add(user)
        users[username] = user
    return users, teams, created


def seed_people_and_cases(users, teams):
    """Create PEOPLE people, each with one open case; return how many were new."""
    rng = random.Random(20230401)  # noqa: S311 - demo data, not security
    codes = {key: list(CodeValue.objects.of_list(key).selectable()) for key in PERSON_CODE_FIELDS}
    by_label = {key: {value.label: value for value in values} for key, values in codes.items()}
    numbers = nhs_numbers(rng)
    today = datetime.date(2026, 11, 1)
    created = 0
    for index in range(PEOPLE):
        born = today - datetime.timedelta(days=rng.randint(19 * 365, 98 * 365))
        carer = index % 7 == 3
        psr = (
            by_label["primary_support_reason"]["Social support: Support to unpaid carer"]
            if carer
            else rng.choice(codes["primary_support_reason"])
        )
        age = (today - born).days // 365
        employment = None
        if 18 <= age <= 64:
            employment = rng.choice(codes["employment_status"])
        fields = {
            "given_name": rng.choice(GIVEN_NAMES),
            "family_name": rng.choice(FAMILY_NAMES),
            "date_of_birth": born,
            "nhs_number": next(numbers) if index % 20 != 19 else "",
            "gender": by_label["gender"]["Female" if index % 2 == 0 else "Male"],
            "ethnicity": rng.choice(codes["ethnicity"]),
            "postcode": postcode(rng),
            "client_type": by_label["client_type"]["Unpaid carer" if carer else "Service user"],
            "primary_support_reason": psr,
            "accommodation_status": rng.choice(codes["accommodation_status"]),
            "employment_status": employment,
            "has_unpaid_carer": rng.choice(codes["has_unpaid_carer"]),
            "gp_practice_name": rng.choice(GP_PRACTICES)[0],
            "gp_practice_code": "",
        }
        fields["gp_practice_code"] = dict(GP_PRACTICES)[fields["gp_practice_name"]]
        if not carer:
            fields["client_funding_status"] = rng.choice(codes["client_funding_status"][:3])
            for condition in ("autism", "dementia", "visual_impairment", "hearing_impairment"):
                if rng.random() < 0.5:
                    fields[condition] = rng.choice(codes[condition])
        start = today - datetime.timedelta(days=rng.randint(10, 700))
        person, was_created = Person.objects.get_or_create(la_person_id=str(200001 + index), defaults=fields)
        if was_created:
            created += 1
        if not person.cases.exists():
            team = teams[index % 2]
            Case.objects.create(
                person=person,
                start_date=start,
                responsible_team=team,
                responsible_user=users["practitioner" if index % 2 == 0 else "practitioner2"],
            )
    # one restricted record (a member of staff), open to the second team alone: `practitioner` must break the glass
    staff = Person.objects.get(la_person_id=str(200000 + PEOPLE))
    if not staff.restricted:
        staff.restricted, staff.restriction_reason = True, "A member of staff"
        staff.save()
        staff.allowed_teams.add(teams[1])
    return created
