"""The national rules of the CLD specification (cld-spec.md §2, "mandatory" per Event Type), as rule rows without a
form type: which fields of the CLD block every event of an Event Type needs. With the national conditions (0004: no
Event Outcome or Method for a financial assessment; Review Outcomes for a planned review) they decide, field by field,
what the data-quality report calls mandatory and what not applicable (cld/rules.py: submission_requirements).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (field, shown, required): every event, whatever its type
ANY_EVENT = [
    ("event_type", True, True),
    ("event_outcome", True, True),  # mandatory nationally (the guide only advises it on the form)
    ("caring_hours", True, False),  # an unpaid carer's (person rules decide), never mandatory
]
PER_EVENT = {
    "Assessment": [
        ("event_description_assessment", True, False),
        ("assessment_type", True, True),
        ("eligible_needs", True, False),
        ("method", True, True),  # Method of Assessment
    ],
    "Request": [
        ("event_description_request", True, False),
        ("route_of_access", True, True),
    ],
    "Review": [
        ("event_description_review", True, False),
        ("review_reason", True, True),
        ("review_outcomes", True, False),
        ("method", True, True),  # Method of Review
    ],
}
PERMISSIONS = [
    "view_nationalfieldrule",
    "add_nationalfieldrule",
    "change_nationalfieldrule",
    "delete_nationalfieldrule",
]


def seed(apps, schema_editor):
    CodeValue = apps.get_model("codes", "CodeValue")
    Rule = apps.get_model("cld", "CldFieldRule")
    for field, shown, required in ANY_EVENT:
        Rule.objects.get_or_create(
            form_type=None, event_type=None, field=field, defaults={"shown": shown, "required": required}
        )
    for label, fields in PER_EVENT.items():
        event_type = CodeValue.objects.get(code_list__key="event_type", label=label)
        for field, shown, required in fields:
            Rule.objects.get_or_create(
                form_type=None, event_type=event_type, field=field, defaults={"shown": shown, "required": required}
            )
    app_config = apps.get_app_config("cld")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Form administrator"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="cld", codename__in=PERMISSIONS))


def unseed(apps, schema_editor):
    apps.get_model("cld", "CldFieldRule").objects.filter(form_type=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cld", "0008_national_rules"),
        ("codes", "0002_rename_tables"),
        ("accounts", "0006_data_team"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
