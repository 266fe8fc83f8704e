"""Release 2 wording of two more values (docs/cld-spec-notes.md, cld-spec.md sections 3.6 and 3.24):

- Assessment Type: "Financial assessment", in the sentence case of Release 2's "Long term assessment" and "Short term
  assessment" (CONFIRMED for those two in DHSC's code; the financial one is not seen there: UNCONFIRMED);
- the impairment severity values in one form, "<impairment>: severity unknown", where the lists had "Hearing
  impairment: Severity unknown" and "Visual impairment - severity unknown" (the SocialCareData standard's, unverified).

As for the Primary Support Reasons (codes 0004), each Release 1 label stays as a Release 1 value mapped to its Release 2
value, so records that hold it keep it and the extract writes the Release 2 label. The national rules that hide Event
Outcome and Method for a financial assessment are given the new value too.
"""

from django.db import migrations

RENAMED = {
    "assessment_type": [("Financial Assessment", "Financial assessment")],
    "hearing_impairment": [("Hearing impairment: Severity unknown", "Hearing impairment: severity unknown")],
    "visual_impairment": [("Visual impairment - severity unknown", "Visual impairment: severity unknown")],
}


def forward(apps, schema_editor):
    CodeValue = apps.get_model("codes", "CodeValue")
    CldConditionalRule = apps.get_model("cld", "CldConditionalRule")
    for key, pairs in RENAMED.items():
        for old_label, new_label in pairs:
            old = CodeValue.objects.filter(code_list__key=key, label=old_label).first()
            if old is None or CodeValue.objects.filter(code_list__key=key, label=new_label).exists():
                continue
            new = CodeValue.objects.create(
                code_list_id=old.code_list_id,
                label=new_label,
                order=old.order,
                in_release_1=False,
                in_release_2=True,
                selectable=old.selectable,
                help_text=old.help_text,
            )
            old.in_release_2, old.selectable, old.replaced_by = False, False, new
            old.save(update_fields=["in_release_2", "selectable", "replaced_by"])
            for rule in CldConditionalRule.objects.filter(when_value=old):
                CldConditionalRule.objects.get_or_create(
                    field=rule.field,
                    effect=rule.effect,
                    when_field=rule.when_field,
                    when_value=new,
                    defaults={"source": rule.source},
                )


class Migration(migrations.Migration):
    dependencies = [("cld", "0013_extract_runs"), ("codes", "0004_release_2_primary_support_reasons")]

    # Going back keeps the values (records may hold the Release 2 ones); coming forward again finds them.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
