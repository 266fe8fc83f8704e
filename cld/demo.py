"""Valid, varied CLD blocks for demo forms, chosen by the same rules and validation practitioners go through."""

from django.http import QueryDict

from cld.block import CODE_LISTS, CldContext, CldForm
from cld.models import DESCRIPTION_FIELDS, CldField

EVENT_BY_CODE_WORD = (("referral", "Request"), ("review", "Review"))


def demo_block(form, rng):
    """Return CLD column values for a form, as a practitioner might have filled them in."""
    context = CldContext(form.form_type)
    event = next((label for word, label in EVENT_BY_CODE_WORD if word in form.form_type.code), None)
    event = event or rng.choice(["Assessment", "Assessment", "Request", "Review"])
    values = {CldField.EVENT_TYPE: context.event_type_ids[event]}
    for field in CldField.values:
        if field in values or not context.states(values)[field].shown:
            continue
        if field in CODE_LISTS:
            options = context.options[CODE_LISTS[field]]
            values[field] = int(rng.choice(options[:6] if field == CldField.EVENT_OUTCOME else options).value)
        elif field in DESCRIPTION_FIELDS:
            values[field] = rng.choice(context.description_choices[field])
        elif field == CldField.CARING_HOURS:
            values[field] = rng.choice([10, 20, 35, 50, 70])
        elif field in (CldField.EVENT_START, CldField.EVENT_END):
            values[field] = form.start_date.isoformat()  # moved back with the form's dates (forms_engine.demo)
        else:
            values[field] = rng.choice(["Yes", "No"])
    data = QueryDict(mutable=True)
    for field, value in values.items():
        data[f"cld-{field}"] = str(value)
    block = CldForm(data, context=context, form=form)
    if not block.is_valid():
        raise ValueError(f"demo CLD block is invalid: {block.errors.as_json()}")
    return block.columns()
