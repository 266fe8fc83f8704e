"""Seed the eleven form types that carry the Client Level Data section (council guide, page 11).

Each has a few sections and questions of its own and an Office Use Only section, left out of print by default, that
holds the CLD block. Reviews and support plans need a manager's sign-off; conversation records, input forms and
referrals close themselves when completed. Administrators change all of this in Django admin afterwards.
"""

from django.db import migrations

S, L, D, N, YN, ONE, MANY = (
    "short_text",
    "long_text",
    "date",
    "number",
    "yes_no",
    "single_choice",
    "multiple_choice",
)

CONTACT_METHODS = ["Face to face", "Home visit", "Telephone", "Video call"]
CONSENT = [
    ("The person consents to information being shared with the people and agencies named", YN, "", True),
    ("If not, explain who gave consent or why sharing is in the person's best interest", L, "", False),
]
PLAN_REVIEW = [
    ("Date of review", D, "", True),
    ("Who took part in the review", L, "Names and relationship to the person.", True),
    ("How was the review carried out", ONE, CONTACT_METHODS, True),
]


def q(label, kind, extra="", required=False):
    return (label, kind, extra, required)


FORM_TYPES = [
    {
        "name": "Adult Conversation Record",
        "code": "adult-conversation-record",
        "sign_off": False,
        "description": "Records a strengths-based conversation with an adult about what matters to them.",
        "sections": [
            (
                "Conversation",
                [
                    q("Date of conversation", D, "", True),
                    q("How did the conversation take place", ONE, CONTACT_METHODS, True),
                    q("Who was present", L, "Include the person's own words about who supports them."),
                ],
            ),
            (
                "What matters to the person",
                [
                    q("What matters to you", L, "In the person's own words.", True),
                    q("Strengths and support networks", L),
                    q("Risks identified", L),
                    q("Agreed next steps", L, "", True),
                ],
            ),
            ("Consent", CONSENT),
        ],
    },
    {
        "name": "Adult Interim Support Plan",
        "code": "adult-interim-support-plan",
        "sign_off": True,
        "description": "Short-term support agreed while a full care and support plan is being prepared.",
        "sections": [
            (
                "Interim support",
                [
                    q("Reason interim support is needed", L, "", True),
                    q("Support to be provided", L, "Who will do what, and how often.", True),
                    q("Planned start date", D, "", True),
                    q("Planned end or review date", D, "", True),
                    q("Estimated weekly hours of support", N),
                ],
            ),
            (
                "Risks and contingency",
                [
                    q("Risks to the person if support is not provided", L, "", True),
                    q("Contingency plan", L),
                ],
            ),
            ("Consent", CONSENT),
        ],
    },
    {
        "name": "Adult Care and Support Plan Review",
        "code": "adult-care-and-support-plan-review",
        "sign_off": True,
        "description": "Review of an existing care and support plan (planned or unplanned).",
        "sections": [
            ("Review details", PLAN_REVIEW),
            (
                "Outcomes",
                [
                    q("How well is the current plan meeting the person's outcomes", L, "", True),
                    q("Changes in the person's needs or circumstances", L),
                    q("Is a change to the care package needed", YN, "", True),
                    q("Changes agreed", L),
                ],
            ),
            ("Consent", CONSENT),
        ],
    },
    {
        "name": "Carers Conversation Record",
        "code": "carers-conversation-record",
        "sign_off": False,
        "description": "A conversation with an unpaid carer about their caring role and wellbeing.",
        "sections": [
            (
                "Conversation",
                [
                    q("Date of conversation", D, "", True),
                    q("How did the conversation take place", ONE, CONTACT_METHODS, True),
                    q("Name of the person cared for", S, "", True),
                ],
            ),
            (
                "The caring role",
                [
                    q("What does the caring role involve", L, "", True),
                    q("Impact of caring on the carer's wellbeing", L),
                    q(
                        "Areas where the carer would like support",
                        MANY,
                        ["Breaks from caring", "Information and advice", "Emotional support", "Employment", "Health"],
                    ),
                    q("Is the carer willing and able to continue caring", YN, "", True),
                ],
            ),
            ("Consent", CONSENT),
        ],
    },
    {
        "name": "Carers Support Plan Review",
        "code": "carers-support-plan-review",
        "sign_off": True,
        "description": "Review of an unpaid carer's support plan.",
        "sections": [
            ("Review details", PLAN_REVIEW),
            (
                "The carer's outcomes",
                [
                    q("How well is the support plan working for the carer", L, "", True),
                    q("Changes in the caring role", L),
                    q("Is a change to the carer's support needed", YN, "", True),
                ],
            ),
            ("Consent", CONSENT),
        ],
    },
    {
        "name": "Occupational Therapy Conversation Record",
        "code": "ot-conversation-record",
        "sign_off": False,
        "description": "An occupational therapist's conversation about daily living and equipment.",
        "sections": [
            (
                "Conversation",
                [
                    q("Date of conversation", D, "", True),
                    q("How did the conversation take place", ONE, CONTACT_METHODS, True),
                ],
            ),
            (
                "Daily living",
                [
                    q(
                        "Activities the person finds difficult",
                        MANY,
                        ["Bathing", "Toileting", "Stairs", "Transfers", "Kitchen tasks", "Getting in and out of bed"],
                        True,
                    ),
                    q("Current equipment or adaptations", L),
                    q("Recommendations", L, "", True),
                ],
            ),
            ("Consent", CONSENT),
        ],
    },
    {
        "name": "Occupational Therapy Review",
        "code": "ot-review",
        "sign_off": True,
        "description": "Review of occupational therapy equipment, adaptations and outcomes.",
        "sections": [
            ("Review details", PLAN_REVIEW),
            (
                "Equipment and adaptations",
                [
                    q("Is the equipment still needed and used safely", YN, "", True),
                    q("Equipment to be collected or replaced", L),
                    q("Further occupational therapy needed", YN, "", True),
                ],
            ),
        ],
    },
    {
        "name": "Reablement Physiotherapy Input Form",
        "code": "reablement-physiotherapy-input",
        "sign_off": False,
        "description": "Physiotherapy input during a reablement episode.",
        "sections": [
            (
                "Input",
                [
                    q("Date of visit", D, "", True),
                    q(
                        "Mobility on assessment",
                        ONE,
                        ["Independent", "With aid", "With one person", "With two people"],
                        True,
                    ),
                    q("Exercise programme agreed", L),
                    q("Falls risk identified", YN, "", True),
                    q("Number of further visits planned", N),
                ],
            ),
        ],
    },
    {
        "name": "Occupational Therapy Referral (Secondary Allocation)",
        "code": "ot-referral-secondary",
        "sign_off": False,
        "description": "Referral of an allocated case to occupational therapy.",
        "sections": [
            (
                "Referral",
                [
                    q("Date of referral", D, "", True),
                    q("Reason for referral", L, "", True),
                    q("Priority", ONE, ["Urgent", "High", "Routine"], True),
                    q("Is the person aware of the referral", YN, "", True),
                ],
            ),
        ],
    },
    {
        "name": "Sensory Impairment Referral (Secondary Allocation)",
        "code": "sensory-impairment-referral-secondary",
        "sign_off": False,
        "description": "Referral of an allocated case to the sensory impairment team.",
        "sections": [
            (
                "Referral",
                [
                    q("Date of referral", D, "", True),
                    q("Impairment", ONE, ["Sight", "Hearing", "Dual sensory loss"], True),
                    q("Reason for referral", L, "", True),
                    q("Preferred communication method", S, "e.g. British Sign Language, large print, braille."),
                ],
            ),
        ],
    },
    {
        "name": "Referral for Reablement Outreach/Discharge Support",
        "code": "reablement-outreach-discharge-referral",
        "sign_off": False,
        "description": "Referral for reablement in the community or on discharge from hospital.",
        "sections": [
            (
                "Referral",
                [
                    q("Date of referral", D, "", True),
                    q("Referral route", ONE, ["Hospital discharge", "Community"], True),
                    q("Expected discharge date", D),
                    q("Goals for reablement", L, "", True),
                    q("Key safe or access arrangements", S),
                ],
            ),
        ],
    },
]


def seed(apps, schema_editor):
    FormType = apps.get_model("forms_engine", "FormType")
    Section = apps.get_model("forms_engine", "Section")
    Question = apps.get_model("forms_engine", "Question")
    for spec in FORM_TYPES:
        form_type, created = FormType.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "requires_sign_off": spec["sign_off"],
                "has_cld_section": True,
            },
        )
        if not created:
            continue
        sections = [*spec["sections"], ("Office Use Only", [])]
        for order, (title, questions) in enumerate(sections, start=1):
            office = title == "Office Use Only"
            section = Section.objects.create(
                form_type=form_type, title=title, order=order, office_use_only=office, left_out_of_print=office
            )
            for number, (label, kind, extra, required) in enumerate(questions, start=1):
                Question.objects.create(
                    form_type=form_type,
                    section=section,
                    label=label,
                    kind=kind,
                    help_text=extra if isinstance(extra, str) else "",
                    choices="\n".join(extra) if isinstance(extra, list) else "",
                    required=required,
                    order=number,
                )


def unseed(apps, schema_editor):
    FormType = apps.get_model("forms_engine", "FormType")
    FormType.objects.filter(code__in=[spec["code"] for spec in FORM_TYPES], forms__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("forms_engine", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
