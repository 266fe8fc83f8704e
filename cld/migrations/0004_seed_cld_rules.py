"""Seed which CLD fields each of the eleven form types shows and requires, per Event Type (council guide pages 11-24,
cld-spec.md §2), and the national conditional rules. Administrators change them in Django admin afterwards.
"""

from django.db import migrations

CARERS_REVIEW = "carers-support-plan-review"
CARERS_CONVERSATION = "carers-conversation-record"

ASSESSMENT_DESCRIPTIONS = {
    "adult-conversation-record": [
        "Initial conversation",
        "Care Act eligibility assessment",
        "Proportionate assessment",
    ],
    "adult-interim-support-plan": ["Care Act eligibility assessment", "Interim needs assessment", "Re-assessment"],
    "adult-care-and-support-plan-review": [
        "Care Act eligibility assessment",
        "Re-assessment following review",
        "Proportionate assessment",
    ],
    CARERS_CONVERSATION: ["Carer's conversation", "Carer's assessment", "Joint carer's assessment"],
    CARERS_REVIEW: ["Carer's assessment", "Carer's re-assessment", "Joint carer's assessment"],
    "ot-conversation-record": [
        "OT assessment for equipment",
        "OT assessment for adaptations",
        "OT functional assessment",
    ],
    "ot-review": ["OT assessment for equipment", "OT assessment for adaptations", "OT functional assessment"],
    "reablement-physiotherapy-input": ["Reablement assessment", "Physiotherapy assessment", "Discharge to assess"],
    "ot-referral-secondary": [
        "OT screening assessment",
        "OT assessment for equipment",
        "OT assessment for adaptations",
    ],
    "sensory-impairment-referral-secondary": [
        "Sensory needs assessment",
        "Rehabilitation assessment (visual impairment)",
        "Communication needs assessment",
    ],
    "reablement-outreach-discharge-referral": [
        "Reablement assessment",
        "Discharge to assess",
        "Short term support assessment",
    ],
}
REQUEST_DESCRIPTIONS = [
    "New contact",
    "Contact from an existing client",
    "Hospital contact",
    "Referral from another team",
]
REVIEW_DESCRIPTIONS = ["Scheduled review", "Unscheduled review"]

# (field, shown, required): what every form type shows whatever the Event Type
ANY_EVENT = [
    ("event_type", True, True),
    ("event_outcome", True, False),  # advised, not required (guide)
    ("long_term_support", True, True),
]
PER_EVENT = {
    "Assessment": [
        ("event_description_assessment", True, False),
        ("assessment_type", True, True),
        ("eligible_needs", True, False),
        ("non_eligible_needs", True, False),
        ("method", True, True),
    ],
    "Request": [
        ("event_description_request", True, False),
        ("route_of_access", True, True),
    ],
    "Review": [
        ("event_description_review", True, False),
        ("method", True, True),
        ("review_reason", True, True),
        ("review_outcomes", True, False),
    ],
}
CONDITIONS = [
    (
        "event_outcome",
        "hide",
        "assessment_type",
        "Financial Assessment",
        "cld-spec.md §2 #30: no Event Outcome for a financial assessment",
    ),
    (
        "method",
        "hide",
        "assessment_type",
        "Financial Assessment",
        "cld-spec.md §2 #34: Method of Assessment not for a financial assessment",
    ),
    (
        "review_outcomes",
        "require",
        "review_reason",
        "Planned",
        "cld-spec.md §2 #46: expected when the Review Reason is Planned",
    ),
]


def seed(apps, schema_editor):
    FormType = apps.get_model("forms_engine", "FormType")
    CodeValue = apps.get_model("cld", "CodeValue")
    Rule = apps.get_model("cld", "CldFieldRule")
    Condition = apps.get_model("cld", "CldConditionalRule")

    def code(key, label):
        return CodeValue.objects.get(code_list__key=key, label=label)

    event_types = {label: code("event_type", label) for label in PER_EVENT}
    planned = code("review_reason", "Planned")
    for form_type in FormType.objects.filter(code__in=ASSESSMENT_DESCRIPTIONS):
        for field, shown, required in ANY_EVENT:
            Rule.objects.get_or_create(
                form_type=form_type, event_type=None, field=field, defaults={"shown": shown, "required": required}
            )
        if form_type.code in (CARERS_REVIEW, CARERS_CONVERSATION):
            Rule.objects.get_or_create(
                form_type=form_type, event_type=None, field="caring_hours", defaults={"shown": True, "required": False}
            )
        for label, fields in PER_EVENT.items():
            for field, shown, required in fields:
                if form_type.code == CARERS_CONVERSATION and field in ("review_reason", "review_outcomes"):
                    continue  # "This option is not available on the Carers' Conversation Record" (guide p.22-23)
                choices = {
                    "event_description_assessment": ASSESSMENT_DESCRIPTIONS[form_type.code],
                    "event_description_request": REQUEST_DESCRIPTIONS,
                    "event_description_review": REVIEW_DESCRIPTIONS,
                }.get(field, [])
                default = planned if field == "review_reason" and form_type.code == CARERS_REVIEW else None
                Rule.objects.get_or_create(
                    form_type=form_type,
                    event_type=event_types[label],
                    field=field,
                    defaults={
                        "shown": shown,
                        "required": required,
                        "choices": "\n".join(choices),
                        "default_value": default,
                    },
                )
    for field, effect, when_field, when_label, source in CONDITIONS:
        when_value = code(when_field, when_label)
        Condition.objects.get_or_create(
            field=field, when_field=when_field, when_value=when_value, defaults={"effect": effect, "source": source}
        )


def unseed(apps, schema_editor):
    apps.get_model("cld", "CldFieldRule").objects.all().delete()
    apps.get_model("cld", "CldConditionalRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cld", "0003_cld_rules"),
        ("forms_engine", "0002_seed_cld_form_types"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
