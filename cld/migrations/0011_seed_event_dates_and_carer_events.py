"""Rule data for the event's own dates and for carers' events (cld-spec.md; docs/cld-spec-notes.md):

- every CLD form type shows Event start date and Event end date, the end required to complete;
- the two carers' form types write the Unpaid carer client type on every event, whatever the person record says;
- the Carers Conversation Record hides Review Reason (council guide p.22) and now writes it as Planned, the guide's
  default for carers' reviews, because the national rules need a Review Reason on every review; Review Outcomes
  Achieved, which the national rules need when the reason is Planned, is therefore shown on it and required.
Existing reviews on the Carers Conversation Record with no Review Reason are given Planned.
"""

from django.db import migrations

CARERS_CONVERSATION = "carers-conversation-record"
CARERS_TYPES = (CARERS_CONVERSATION, "carers-support-plan-review")


def seed(apps, schema_editor):
    FormType = apps.get_model("forms_engine", "FormType")
    Form = apps.get_model("forms_engine", "Form")
    CodeValue = apps.get_model("codes", "CodeValue")
    Rule = apps.get_model("cld", "CldFieldRule")
    for form_type in FormType.objects.filter(has_cld_section=True):
        for field, required in (("event_start", False), ("event_end", True)):
            Rule.objects.get_or_create(
                form_type=form_type, event_type=None, field=field, defaults={"shown": True, "required": required}
            )
    unpaid_carer = CodeValue.objects.get(code_list__key="client_type", label="Unpaid carer")
    FormType.objects.filter(code__in=CARERS_TYPES).update(cld_client_type=unpaid_carer)
    review = CodeValue.objects.get(code_list__key="event_type", label="Review")
    planned = CodeValue.objects.get(code_list__key="review_reason", label="Planned")
    for conversation in FormType.objects.filter(code=CARERS_CONVERSATION):
        Rule.objects.update_or_create(
            form_type=conversation,
            event_type=review,
            field="review_reason",
            defaults={"shown": False, "required": False, "default_value": planned},
        )
        Rule.objects.update_or_create(
            form_type=conversation,
            event_type=review,
            field="review_outcomes",
            defaults={"shown": True, "required": True},
        )
        Form.objects.filter(form_type=conversation, cld_event_type=review, cld_review_reason=None).update(
            cld_review_reason=planned
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cld", "0010_event_dates_and_client_type"),
        ("forms_engine", "0014_event_dates_and_client_type"),
    ]

    # Going back keeps the rows (their ids too, so that coming forward again finds them): they name fields the older
    # code ignores.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
