"""Fill a PostgreSQL database at council scale, deterministically, with COPY: people, cases, staff and forms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredirector_bench python bench/seed.py [--scale 1] [--forms N]

--scale 1 is 100,000 people and cases and 1,000,000 forms; --scale 3 is 3,000,000 forms. The status mix is about 15% In
Progress, 10% Complete awaiting sign-off and 75% Closed, over the eleven CLD form types with answers and CLD blocks;
300 practitioners in 20 teams of 15, 20 managers (one of them a deputy for another's team), a head of service; three
clients hold 1,200 forms each (the worst case pages).
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredirector.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.validators import nhs_check_digit  # noqa: E402
from cld.block import CldContext  # noqa: E402
from codes.models import CodeValue  # noqa: E402
from forms_engine.models import Form, FormType, Question  # noqa: E402

PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away benchmark database
HOT_CLIENTS, HOT_FORMS = 3, 1200
FIFTY = "bench-fifty-question-review"


STARTED = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def copy(table, columns, rows):
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as sink:
            count = 0
            for row in rows:
                sink.write_row(row)
                count += 1
    return count


def fifty_question_type():
    """A form type of 50 questions with the CLD block: the heavy form page of the targets."""
    form_type, created = FormType.objects.get_or_create(
        code=FIFTY, defaults={"name": "Bench Fifty Question Review", "requires_sign_off": True, "has_cld_section": True}
    )
    if created:
        source = FormType.objects.get(code="adult-care-and-support-plan-review")
        kinds = ["short_text", "long_text", "date", "yes_no", "single_choice"]
        for s in range(5):
            section = form_type.sections.create(title=f"Part {s + 1}", order=s + 1)
            for q in range(10):
                kind = kinds[q % 5]
                Question.objects.create(
                    section=section,
                    label=f"Part {s + 1} question {q + 1}",
                    kind=kind,
                    order=q,
                    choices="One\nTwo\nThree" if kind == "single_choice" else "",
                )
        form_type.sections.create(title="Office Use Only", order=9, office_use_only=True, left_out_of_print=True)
        for rule in source.cld_rules.all():
            rule.pk, rule.form_type = None, form_type
            rule.save()
    return form_type


def staff():
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, "benchsalt", iterations=1000)
    now = timezone.now()
    rows = [(f"bench_practitioner{i}", "Practitioner", f"{i}") for i in range(300)]
    rows += [(f"bench_manager{i}", "Manager", f"{i}") for i in range(20)]
    copy(
        "accounts_user",
        [
            "username",
            "first_name",
            "last_name",
            "password",
            "email",
            "is_staff",
            "is_active",
            "is_superuser",
            "date_joined",
        ],
        ((u, f, last, password, f"{u}@example.org", False, True, False, now) for u, f, last in rows),
    )
    from accounts.models import User

    ids = dict(User.objects.filter(username__startswith="bench_").values_list("username", "pk"))
    practitioner, manager = Group.objects.get(name="Practitioner"), Group.objects.get(name="Manager")
    practitioner.user_set.add(*[ids[f"bench_practitioner{i}"] for i in range(300)])
    manager.user_set.add(*[ids[f"bench_manager{i}"] for i in range(20)])
    teams(ids)
    return [ids[f"bench_practitioner{i}"] for i in range(300)]


TEAM_SIZE = 15  # practitioners a team (a locality social work team, an OT team)


def teams(ids):
    """Twenty teams of fifteen practitioners, one manager each (bench_manager{i} manages team i), and one deputy
    now (manager 1 for team 0's); a head of service over every team (bench_head)."""
    import datetime

    from cases.models import Team, TeamDeputy

    for index in range(20):
        team = Team.objects.create(name=f"Bench Locality {index + 1:02d}")
        team.members.add(*[ids[f"bench_practitioner{i}"] for i in range(index * TEAM_SIZE, (index + 1) * TEAM_SIZE)])
        team.managers.add(ids[f"bench_manager{index}"])
        if index == 0:
            today = timezone.localdate()
            TeamDeputy.objects.create(
                team=team,
                deputy_id=ids["bench_manager1"],
                starts_on=today - datetime.timedelta(days=30),
                ends_on=today + datetime.timedelta(days=300),
            )
    from accounts.models import User

    head = User.objects.create(username="bench_head", first_name="Head", last_name="Of Service")
    head.groups.add(Group.objects.get(name="Head of service"))


def selectable_ids(*keys):
    """The ids of the values a user can pick, for each of the code lists named."""
    return {key: list(CodeValue.objects.of_list(key).selectable().values_list("pk", flat=True)) for key in keys}


def people_and_cases(count, rng, practitioners):
    codes = selectable_ids(
        "gender",
        "ethnicity",
        "client_type",
        "primary_support_reason",
        "accommodation_status",
        "has_unpaid_carer",
        "client_funding_status",
    )
    today = datetime.date(2026, 11, 1)

    def person_rows():
        for index in range(count):
            first_nine = f"{900000000 + index:09d}"
            check = nhs_check_digit(first_nine)
            yield (
                f"B{index:07d}",
                rng.choice(FIRST),
                rng.choice(LAST),
                today - datetime.timedelta(days=rng.randint(19 * 365, 98 * 365)),
                f"{first_nine}{check}" if check is not None else "",
                rng.choice(codes["gender"]),
                rng.choice(codes["ethnicity"]),
                f"WF{rng.randint(1, 17)} {rng.randint(1, 9)}AB",
                rng.choice(codes["client_type"]),
                rng.choice(codes["primary_support_reason"]),
                rng.choice(codes["accommodation_status"]),
                rng.choice(codes["has_unpaid_carer"]),
                rng.choice(codes["client_funding_status"]),
                "",
                "",
                False,
                "",
            )

    copy(
        "cases_person",
        [
            "la_person_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "nhs_number",
            "gender_id",
            "ethnicity_id",
            "postcode",
            "client_type_id",
            "primary_support_reason_id",
            "accommodation_status_id",
            "has_unpaid_carer_id",
            "client_funding_status_id",
            "gp_practice_name",
            "gp_practice_code",
            "restricted",
            "restriction_reason",
        ],
        person_rows(),
    )
    from cases.models import Person, Team

    team = Team.objects.get_or_create(name="Bench Team")[0]
    first_person = Person.objects.filter(la_person_id__startswith="B").order_by("pk").values_list("pk", flat=True)[0]
    copy(
        "cases_case",
        ["person_id", "status", "start_date", "responsible_team_id", "responsible_user_id"],
        (
            (
                first_person + i,
                "open",
                today - datetime.timedelta(days=rng.randint(10, 2000)),
                team.pk,
                rng.choice(practitioners),
            )
            for i in range(count)
        ),
    )
    # Each person's first history row, as django-simple-history writes it when a person is recorded (here dated
    # before any form), so that each completed form can keep the row of its event as the action does.
    history = Person.history.model
    shared = [f.column for f in Person._meta.concrete_fields if f.column in {h.column for h in history._meta.fields}]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET case_number = 'CAS-' || lpad(id::text, 6, '0') WHERE case_number IS NULL")
        cursor.execute(
            f"INSERT INTO {history._meta.db_table} ({', '.join(shared)}, history_date, history_type) "  # noqa: S608
            f"SELECT {', '.join(shared)}, '2020-01-01', '+' FROM cases_person ORDER BY id"
        )
        cursor.execute("SELECT min(id), max(id) FROM cases_case")
        case_range = cursor.fetchone()
        cursor.execute(
            f"SELECT c.id, h.history_id, h.client_type_id FROM cases_case c "  # noqa: S608
            f"JOIN {history._meta.db_table} h ON h.id = c.person_id"
        )
        as_at = {case: (row, client_type) for case, row, client_type in cursor.fetchall()}
    return case_range, as_at


def forms(total, rng, case_range, as_at, practitioners):
    types = list(FormType.objects.filter(has_cld_section=True).order_by("code"))
    versions = {t.pk: t.current_version() for t in types}
    blocks = {}
    for form_type in types:
        context = CldContext(form_type)
        answers = {str(q["id"]): _answer(q) for q in versions[form_type.pk].questions()}
        blocks[form_type.pk] = (json.dumps(answers), context)
    event_types = CodeValue.objects.of_list("event_type")
    event = {v.label: v.pk for v in event_types}
    pick = selectable_ids(
        "event_outcome",
        "assessment_type",
        "method_of_assessment",
        "route_of_access",
        "review_reason",
        "review_outcomes_achieved",
    )
    first_case, last_case = case_range
    hot = [first_case + i for i in range(HOT_CLIENTS)]
    now = timezone.now()
    columns = [
        "case_id",
        "form_type_id",
        "version_id",
        "status",
        "single_open",
        "responsible_user_id",
        "start_date",
        "answers",
        "revision",
        "completed_at",
        "completed_by_id",
        "closed_on",
        "closed_by_name",
        "closed_at",
        "returned_reason",
        "created_by_id",
        "created_at",
        "updated_at",
        "cld_event_type_id",
        "cld_event_description",
        "cld_event_outcome_id",
        "cld_long_term_support",
        "cld_assessment_type_id",
        "cld_method_id",
        "cld_route_of_access_id",
        "cld_review_reason_id",
        "cld_review_outcomes_id",
        "cld_non_eligible_needs",
        # what the action keeps when a form is set Complete (cld/block.py, CldBlock.on_complete)
        "cld_event_end",
        "cld_person_as_at_id",
        "cld_client_type_id",
        "cld_linked_person_1",
        "cld_linked_person_2",
        "cld_linked_person_3",
    ]

    def rows():
        for index in range(total):
            form_type = types[index % len(types)]
            if index < HOT_CLIENTS * HOT_FORMS:
                case = hot[index // HOT_FORMS]
            else:
                case = rng.randint(first_case, last_case)
            roll = rng.random()
            status = "in_progress" if roll < 0.15 else ("complete" if roll < 0.25 else "closed")
            worker = practitioners[case % len(practitioners)]
            started = now - datetime.timedelta(days=rng.randint(1, 1500), minutes=rng.randint(0, 1440))
            completed = started + datetime.timedelta(days=rng.randint(0, 20)) if status != "in_progress" else None
            if completed and completed > now:
                completed = now - datetime.timedelta(minutes=rng.randint(1, 10000))
            closed = status == "closed"
            kind = (
                "Request"
                if "referral" in form_type.code
                else "Review"
                if "review" in form_type.code
                else rng.choice(["Assessment", "Request", "Review"])
            )
            answers, _context = blocks[form_type.pk]
            kept, person_type = as_at[case] if completed else (None, None)
            yield (
                case,
                form_type.pk,
                versions[form_type.pk].pk,
                status,
                False,
                worker,
                started.date(),
                answers,
                1 + (index % 3),
                completed,
                worker if completed else None,
                completed.date() if closed else None,
                "Bench Manager" if closed else "",
                completed if closed else None,
                "",
                worker,
                started,
                completed or started,
                event[kind],
                "",
                rng.choice(pick["event_outcome"]),
                rng.choice(["Yes", "No"]),
                rng.choice(pick["assessment_type"][:2]) if kind == "Assessment" else None,
                rng.choice(pick["method_of_assessment"]) if kind in ("Assessment", "Review") else None,
                rng.choice(pick["route_of_access"]) if kind == "Request" else None,
                rng.choice(pick["review_reason"]) if kind == "Review" else None,
                rng.choice(pick["review_outcomes_achieved"]) if kind == "Review" else None,
                "",
                timezone.localtime(completed).date() if completed else None,
                kept,
                (form_type.cld_client_type_id or person_type) if completed else None,
                "",
                "",
                "",
            )

    # The tally triggers (forms_engine migrations 0010 and 0012) are off while the forms are copied: a trigger per row,
    # updating the same few tally rows a million times in one transaction, made the copy quadratic (over 20 minutes).
    # The tallies are then counted once, as those migrations count them when they install the triggers.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE forms_engine_form DISABLE TRIGGER USER")
    count = copy("forms_engine_form", columns, rows())
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the copy's foreign keys checked now, before ALTER TABLE
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("ALTER TABLE forms_engine_form ENABLE TRIGGER USER")
        cursor.execute("TRUNCATE forms_engine_awaitingbyowner, forms_engine_awaitingbyday, forms_engine_myformstally")
        cursor.execute(
            "INSERT INTO forms_engine_awaitingbyowner (form_type_id, responsible_user_id, count) SELECT form_type_id, "
            "responsible_user_id, count(*) FROM forms_engine_form WHERE status = 'complete' GROUP BY 1, 2"
        )
        cursor.execute(
            "INSERT INTO forms_engine_awaitingbyday (day, count) SELECT (completed_at AT TIME ZONE %s)::date, count(*) "
            "FROM forms_engine_form WHERE status = 'complete' GROUP BY 1",
            [settings.TIME_ZONE],
        )
        cursor.execute(
            "INSERT INTO forms_engine_myformstally (responsible_user_id, bucket, count) SELECT responsible_user_id, "
            "forms_engine_my_forms_bucket(status, returned_reason), count(*) FROM forms_engine_form GROUP BY 1, 2"
        )
    return count


def _answer(question):
    return {
        "date": "2026-10-01",
        "yes_no": "Yes",
        "number": "7",
        "single_choice": (question["choices"] or ["x"])[0],
        "multiple_choice": question["choices"][:1],
    }.get(question["kind"], "Recorded for the benchmark. " * 3)


FIRST = (
    "Margaret",
    "John",
    "Susan",
    "David",
    "Aisha",
    "Mohammed",
    "Grace",
    "Daniel",
    "Olivia",
    "Kwame",
    "Zofia",
    "Liam",
)
LAST = ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Khan", "Patel", "Begum", "Mensah", "Nowak", "Murphy", "Hughes")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 100,000 people and 1,000,000 forms")
    parser.add_argument("--forms", type=int, help="exact number of forms (overrides --scale)")
    parser.add_argument("--people", type=int, help="exact number of people (overrides --scale)")
    args = parser.parse_args()
    total_forms = args.forms or int(1_000_000 * args.scale)
    total_people = args.people or int(100_000 * min(args.scale, 1.0)) or 1000
    if connection.vendor != "postgresql":
        sys.exit("bench/seed.py needs PostgreSQL: set DATABASE_URL")
    log("migrating")
    call_command("migrate", verbosity=0)
    if Form.objects.exists():
        log(f"already seeded: {Form.objects.count():,} forms; drop the database to seed again")
        return
    rng = random.Random(2026)  # noqa: S311 - deterministic benchmark data
    with transaction.atomic():
        fifty_question_type()
        practitioners = staff()
        log("staff: 300 practitioners in 20 teams of 15, 20 managers (one a deputy too), a head of service")
        case_range, as_at = people_and_cases(total_people, rng, practitioners)
        log(f"people and cases: {total_people:,}")
        count = forms(total_forms, rng, case_range, as_at, practitioners)
        log(f"forms: {count:,}")
    with connection.cursor() as cursor:
        # Statistics for the planner, and the visibility map that lets index-only scans skip the table.
        cursor.execute("VACUUM ANALYZE")
    log("vacuumed and analysed; done")


if __name__ == "__main__":
    main()
