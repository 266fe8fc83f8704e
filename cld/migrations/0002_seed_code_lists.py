"""Seed the national CLD defined lists (shared/reference/cld-spec.md §3).

Each list has its current values, in the specification's order, marked with the releases they are valid in: Release 2
labels where the specification research confirms them, Release 1 labels otherwise (then assumed valid in both). Release 1
labels that Release 2 renamed or merged are kept, not offered, and point at the Release 2 value they map to, so that old
records still export correctly.
"""

from django.db import migrations

BOTH = "12"
R2 = "2"

# key: (name, description, [(label, releases, help text)], [(retired Release 1 label, Release 2 label or None)])
CODE_LISTS = {
    "gender": (
        "Gender",
        "Release 2 labels not confirmed publicly: Release 1 labels used.",
        [("Male", BOTH, ""), ("Female", BOTH, ""), ("Other", BOTH, ""), ("Unknown", BOTH, "")],
        [],
    ),
    "ethnicity": (
        "Ethnicity",
        "2021 Census categories.",
        [
            ("Asian or Asian British: Indian", R2, ""),
            ("Asian or Asian British: Pakistani", R2, ""),
            ("Asian or Asian British: Bangladeshi", R2, ""),
            ("Asian or Asian British: Chinese", R2, ""),
            ("Asian or Asian British: Any other Asian background", R2, ""),
            ("Black, Black British, Caribbean or African: Caribbean", R2, ""),
            ("Black, Black British, Caribbean or African: African", R2, ""),
            (
                "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
                R2,
                "",
            ),
            ("Mixed or multiple ethnic groups: White and Black Caribbean", R2, ""),
            ("Mixed or multiple ethnic groups: White and Black African", R2, ""),
            ("Mixed or multiple ethnic groups: White and Asian", R2, ""),
            ("Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background", R2, ""),
            ("White: English, Welsh, Scottish, Northern Irish or British", R2, ""),
            ("White: Irish", R2, ""),
            ("White: Gypsy or Irish Traveller", R2, ""),
            ("White: Roma", R2, ""),
            ("White: Any other White background", R2, ""),
            ("Other ethnic group: Arab", R2, ""),
            ("Other ethnic group: Any other ethnic group", R2, ""),
            ("No data: Undeclared or not known", R2, ""),
            ("No data: Refused", R2, ""),
        ],
        [
            ("Asian or Asian British - Indian", "Asian or Asian British: Indian"),
            ("Asian or Asian British - Pakistani", "Asian or Asian British: Pakistani"),
            ("Asian or Asian British - Bangladeshi", "Asian or Asian British: Bangladeshi"),
            ("Asian or Asian British - Chinese", "Asian or Asian British: Chinese"),
            (
                "Asian or Asian British - Any other Asian background",
                "Asian or Asian British: Any other Asian background",
            ),
            (
                "Black, Black British, Caribbean or African - Caribbean",
                "Black, Black British, Caribbean or African: Caribbean",
            ),
            (
                "Black, Black British, Caribbean or African - African",
                "Black, Black British, Caribbean or African: African",
            ),
            (
                "Black, Black British, Caribbean or African - Any other Black, Black British or Caribbean background",
                "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
            ),
            (
                "Mixed or multiple ethnic groups - White and Black Caribbean",
                "Mixed or multiple ethnic groups: White and Black Caribbean",
            ),
            (
                "Mixed or multiple ethnic groups - White and Black African",
                "Mixed or multiple ethnic groups: White and Black African",
            ),
            ("Mixed or multiple ethnic groups - White and Asian", "Mixed or multiple ethnic groups: White and Asian"),
            (
                "Mixed or multiple ethnic groups - Any other Mixed or multiple ethnic background",
                "Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background",
            ),
            (
                "White - English, Welsh, Scottish, Northern Irish or British",
                "White: English, Welsh, Scottish, Northern Irish or British",
            ),
            ("White - Irish", "White: Irish"),
            ("White - Gypsy or Irish Traveller", "White: Gypsy or Irish Traveller"),
            ("White - Roma", "White: Roma"),
            ("White - Any other White background", "White: Any other White background"),
            ("Other ethnic group - Arab", "Other ethnic group: Arab"),
            ("Other ethnic group - Any other ethnic group", "Other ethnic group: Any other ethnic group"),
            ("No data - Undeclared or Not known", "No data: Undeclared or not known"),
            ("No data - Refused", "No data: Refused"),
        ],
    ),
    "client_type": (
        "Client Type",
        "",
        [
            ("Service user", R2, ""),
            ("Unpaid carer", R2, ""),
            ("Unpaid carer known by association", R2, "Carer support recorded only on the cared-for person's record."),
        ],
        [
            ("Service User", "Service user"),
            ("Carer", "Unpaid carer"),
            ("Carer known by association", "Unpaid carer known by association"),
        ],
    ),
    "primary_support_reason": (
        "Primary Support Reason",
        "Release 2 confirmed only for the carer value; Release 1 labels used for the rest.",
        [
            ("Physical Support: Access & mobility only", BOTH, ""),
            ("Physical Support: Personal care support", BOTH, ""),
            ("Sensory Support: Support for visual impairment", BOTH, ""),
            ("Sensory Support: Support for hearing impairment", BOTH, ""),
            ("Sensory Support: Support for dual impairment", BOTH, ""),
            ("Support with Memory & Cognition", BOTH, ""),
            ("Learning Disability Support", BOTH, ""),
            ("Mental Health Support", BOTH, ""),
            ("Social Support: Substance misuse support", BOTH, ""),
            ("Social Support: Asylum seeker support", BOTH, ""),
            ("Social Support: Support for Social Isolation/Other", BOTH, ""),
            ("Social support: Support to unpaid carer", R2, "Use for carer-related events."),
            ("Unknown", BOTH, "When the reason has not yet been determined."),
        ],
        [("Social Support: Support to Carer", "Social support: Support to unpaid carer")],
    ),
    "accommodation_status": (
        "Accommodation Status",
        "Latest known address in the period.",
        [
            ("Owner occupier or shared ownership scheme", BOTH, ""),
            ("Tenant: Local authority or other social housing provider", R2, ""),
            ("Tenant: Private landlord", R2, ""),
            ("Settled mainstream housing with family or friends", R2, ""),
            ("Supported accommodation, supported lodgings or supported group home", R2, ""),
            ("Shared Lives scheme", BOTH, ""),
            ("Approved premises for offenders released from prison or under probation supervision", BOTH, ""),
            ("Sheltered housing, extra care housing or other sheltered housing", R2, ""),
            ("Mobile accommodation for Gypsy, Roma and Traveller communities", R2, ""),
            ("Rough sleeper or squatting", R2, ""),
            ("Night shelter, emergency hostel or direct access hostel", R2, ""),
            ("Refuge", BOTH, ""),
            ("Placed in temporary accommodation by the council (inc. homelessness resettlement)", BOTH, ""),
            ("Staying with family or friends as a short term guest", R2, ""),
            ("Acute hospital or long term healthcare residential facility", R2, ""),
            ("Registered care home", BOTH, ""),
            ("Registered nursing home", BOTH, ""),
            ("Prison, young offenders institution or detention centre", R2, ""),
            ("Other temporary accommodation", BOTH, ""),
            ("Unknown", BOTH, ""),
        ],
        [
            ("Tenant", "Tenant: Local authority or other social housing provider"),
            ("Tenant - private landlord", "Tenant: Private landlord"),
            ("Settled mainstream housing with family / friends", "Settled mainstream housing with family or friends"),
            (
                "Supported accommodation / supported lodgings / supported group home",
                "Supported accommodation, supported lodgings or supported group home",
            ),
            (
                "Sheltered housing / extra care housing / other sheltered housing",
                "Sheltered housing, extra care housing or other sheltered housing",
            ),
            (
                "Mobile accommodation for Gypsy / Roma and Traveller communities",
                "Mobile accommodation for Gypsy, Roma and Traveller communities",
            ),
            ("Rough sleeper / squatting", "Rough sleeper or squatting"),
            (
                "Night shelter / emergency hostel / direct access hostel",
                "Night shelter, emergency hostel or direct access hostel",
            ),
            (
                "Staying with family / friends as a short-term guest",
                "Staying with family or friends as a short term guest",
            ),
            (
                "Acute / long-term healthcare residential facility or hospital",
                "Acute hospital or long term healthcare residential facility",
            ),
            (
                "Prison / Young offenders institution / detention centre",
                "Prison, young offenders institution or detention centre",
            ),
        ],
    ),
    "employment_status": (
        "Employment Status",
        "Mandatory for service users aged 18-64 whose primary support reason is learning disability support.",
        [
            ("Paid: Less than 16 hours a week", BOTH, ""),
            ("Paid: 16 or more hours a week", BOTH, ""),
            ("Paid: Hours per week unknown", BOTH, ""),
            ("Not in paid employment: Seeking work", R2, ""),
            ("Not in paid employment: Not actively seeking work or retired", R2, ""),
            ("Not in paid employment: Voluntary work only", R2, ""),
            ("Unknown", BOTH, ""),
        ],
        [
            ("Not in Paid Employment (seeking work)", "Not in paid employment: Seeking work"),
            (
                "Not in Paid Employment (not actively seeking work / retired)",
                "Not in paid employment: Not actively seeking work or retired",
            ),
            ("Not in Paid Employment (voluntary work only)", "Not in paid employment: Voluntary work only"),
        ],
    ),
    "has_unpaid_carer": (
        "Has Unpaid Carer",
        "",
        [("Yes", BOTH, ""), ("No", BOTH, ""), ("Unknown", BOTH, "")],
        [],
    ),
    "client_funding_status": (
        "Client Funding Status",
        "Service users only.",
        [
            ("Fully client funded", BOTH, ""),
            ("Joint client and social care funded", BOTH, ""),
            ("Fully social care funded", BOTH, ""),
            ("Unknown", BOTH, ""),
        ],
        [],
    ),
    "event_type": (
        "Event Type",
        "Service events come from services, not forms, so they are not offered on forms.",
        [
            ("Request", BOTH, "Requests for support from new or existing clients, carers or someone on their behalf."),
            ("Assessment", BOTH, "Assessments of need for care or support under the Care Act 2014."),
            ("Service", BOTH, ""),
            ("Review", BOTH, "Reviews of care and support plans for service users and carers."),
        ],
        [],
    ),
    "event_outcome": (
        "Event Outcome",
        "When several apply, choose the first that applies.",
        [
            ("Progress to reablement/ST-Max", R2, ""),
            ("Progress to assessment, review or reassessment", R2, ""),
            ("Progress to support planning or services", R2, "For reviews with a change in package."),
            ("Continuation of support or services", R2, "For reviews with no change in package, and ongoing services."),
            ("Admitted to hospital", BOTH, ""),
            ("NFA: Responsibility moved to another local authority", R2, ""),
            ("NFA: Referral to NHS services or NHS funded social care", R2, ""),
            (
                "NFA: Self-funded client or under 12wk disregard",
                R2,
                "For a terminated permanent residential or nursing service after the 12-week property disregard.",
            ),
            ("NFA: Information and advice or signposting", R2, ""),
            ("NFA: Referral to other service within the local authority", R2, ""),
            ("NFA: Support declined", R2, ""),
            ("NFA: Deceased", R2, ""),
            ("NFA: Support ended as planned", R2, ""),
            ("NFA: Support ended for other reason", R2, ""),
            ("NFA: No services offered for other reason", R2, ""),
            ("NFA: Other", R2, ""),
        ],
        [
            ("Progress to Reablement/ST-Max", "Progress to reablement/ST-Max"),
            ("Progress to Assessment", "Progress to assessment, review or reassessment"),
            ("Progress to Re-assessment / Unplanned Review", "Progress to assessment, review or reassessment"),
            ("Progress to financial assessment", None),
            ("Progress to Support Planning / Services", "Progress to support planning or services"),
            ("No change in package", "Continuation of support or services"),
            ("Provision of service", "Continuation of support or services"),
            ("Progress to End of Life Care", None),
            ("NFA - Moved to another LA", "NFA: Responsibility moved to another local authority"),
            ("NFA - 100% NHS funded care", "NFA: Referral to NHS services or NHS funded social care"),
            ("NFA - Self-funded client (inc. 12wk disregard)", "NFA: Self-funded client or under 12wk disregard"),
            ("NFA - Information & Advice / Signposting only", "NFA: Information and advice or signposting"),
            ("NFA - Support declined", "NFA: Support declined"),
            ("NFA - Deceased", "NFA: Deceased"),
            ("Service ended as planned", "NFA: Support ended as planned"),
            ("NFA - Support ended: Other reason", "NFA: Support ended for other reason"),
            ("NFA - No services offered: Other reason", "NFA: No services offered for other reason"),
            ("NFA- Other", "NFA: Other"),
        ],
    ),
    "route_of_access": (
        "Request: Route of Access",
        "Release 2 labels not confirmed publicly: Release 1 labels used.",
        [
            ("Planned Entry (Transition)", BOTH, "A child moving to adult social care."),
            ("Discharge from Hospital", BOTH, ""),
            ("Diversion from Hospital Services", BOTH, ""),
            ("Community / Other route", BOTH, "Default for carers when not captured locally."),
            ("Prison", BOTH, ""),
            ("Self-Funder", BOTH, ""),
            ("Discharge from Reablement", BOTH, "Only for a genuinely new request after discharge from reablement."),
            ("Transfer from Other LA", BOTH, ""),
        ],
        [],
    ),
    "assessment_type": (
        "Assessment Type",
        "Release 2 label for financial assessments not confirmed publicly: Release 1 label used.",
        [
            (
                "Long term assessment",
                R2,
                "The determination of eligibility for services is made as part of the assessment, as set out under the "
                "Care Act. Covers assessments of adults who may need care or support and carers.",
            ),
            (
                "Short term assessment",
                R2,
                "Other types of care assessment, including occupational therapy assessments of equipment, reablement, "
                "and proportional assessments (staged, conversation) that do not involve an assessment of eligibility.",
            ),
            (
                "Financial Assessment",
                BOTH,
                "Determines the client's ability to pay for care services: new client financial assessments, planned "
                "annual financial reviews, and ad-hoc financial re-assessments when circumstances change.",
            ),
        ],
        [("Long Term Assessment", "Long term assessment"), ("Short Term Assessment", "Short term assessment")],
    ),
    "eligible_needs_identified": (
        "Eligible Needs Identified",
        "Values not confirmed publicly.",
        [("Yes", BOTH, ""), ("No", BOTH, "")],
        [],
    ),
    "method_of_assessment": (
        "Method of Assessment",
        "Who was actively involved. Release 2 labels not confirmed publicly: Release 1 labels used.",
        [("Service user only", BOTH, ""), ("Carer only", BOTH, ""), ("Service user and carer", BOTH, "")],
        [],
    ),
    "method_of_review": (
        "Method of Review",
        "Who was actively involved. Release 2 labels not confirmed publicly: Release 1 labels used.",
        [("Service user only", BOTH, ""), ("Carer only", BOTH, ""), ("Service user and carer", BOTH, "")],
        [],
    ),
    "review_reason": (
        "Review Reason",
        "Known as Significant Event in SALT. Release 2 labels other than the new value not confirmed publicly.",
        [
            ("Planned", BOTH, "The default for carer reviews."),
            ("Unplanned - Hospital (Planned and unplanned episodes)", BOTH, ""),
            ("Unplanned - Carer related", BOTH, ""),
            ("Unplanned - Safeguarding concern", BOTH, ""),
            ("Unplanned - Other Reason", BOTH, ""),
            ("Unplanned - Provider Failure", BOTH, ""),
            ("Unplanned - Change in Commissioning arrangements", BOTH, ""),
            ("Review of short term support", R2, ""),
        ],
        [],
    ),
    "review_outcomes_achieved": (
        "Review Outcomes Achieved",
        "Expected for planned reviews.",
        [("Fully Met", BOTH, ""), ("Partially Met", BOTH, ""), ("Not Met", BOTH, "")],
        [],
    ),
}


def seed(apps, schema_editor):
    CodeList = apps.get_model("cld", "CodeList")
    CodeValue = apps.get_model("cld", "CodeValue")
    for key, (name, description, current, retired) in CODE_LISTS.items():
        code_list, _ = CodeList.objects.update_or_create(key=key, defaults={"name": name, "description": description})
        by_label = {}
        for order, (label, releases, help_text) in enumerate(current, start=1):
            by_label[label], _ = CodeValue.objects.update_or_create(
                code_list=code_list,
                label=label,
                defaults={
                    "order": order,
                    "in_release_1": "1" in releases,
                    "in_release_2": "2" in releases,
                    "selectable": not (key == "event_type" and label == "Service"),
                    "help_text": help_text,
                },
            )
        for order, (label, successor) in enumerate(retired, start=1):
            CodeValue.objects.update_or_create(
                code_list=code_list,
                label=label,
                defaults={
                    "order": 1000 + order,
                    "in_release_1": True,
                    "in_release_2": False,
                    "selectable": False,
                    "replaced_by": by_label[successor] if successor else None,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("cld", "CodeList").objects.filter(key__in=CODE_LISTS).delete()


class Migration(migrations.Migration):
    dependencies = [("cld", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
