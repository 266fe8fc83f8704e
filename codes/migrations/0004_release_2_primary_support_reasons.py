"""Release 2 wording of the Primary Support Reasons (sentence case, "and" for "&"), as DHSC's ASC-CLD-LA-Dashboard
and the SocialCareData standard spell them (docs/cld-spec-notes.md). Each Release 1 label stays, as a Release 1 value
that maps to its Release 2 value, so records that hold it keep it and the extract writes the Release 2 label. The
lists' sources are recorded; none is marked confirmed against the national workbook (a data team does that)."""

from django.db import migrations

RENAMED = [
    ("Physical Support: Access & mobility only", "Physical support: Access and mobility only"),
    ("Support with Memory & Cognition", "Support with memory and cognition"),
    ("Learning Disability Support", "Learning disability support"),
    ("Mental Health Support", "Mental health support"),
    ("Social Support: Substance misuse support", "Social support: Substance misuse support"),
    (
        "Social Support: Support for Social Isolation/Other",
        "Social support: Support for social isolation or other reason",
    ),
]
SOURCE = (
    "Release 1: the NHS England reference tables of the SALT/ASCOF transformations and the CLD glossary. Release 2: "
    "DHSC's ASC-CLD-LA-Dashboard code and the SocialCareData standard, as summarised in cld-spec.md (section 3) and "
    "docs/cld-spec-notes.md."
)


def forward(apps, schema_editor):
    CodeList = apps.get_model("codes", "CodeList")
    CodeValue = apps.get_model("codes", "CodeValue")
    CodeList.objects.filter(source="").update(source=SOURCE)
    psr = CodeList.objects.filter(key="primary_support_reason").first()
    if psr is None:
        return
    for old_label, new_label in RENAMED:
        old = CodeValue.objects.filter(code_list=psr, label=old_label).first()
        if old is None or CodeValue.objects.filter(code_list=psr, label=new_label).exists():
            continue
        new = CodeValue.objects.create(
            code_list=psr,
            label=new_label,
            order=old.order,
            in_release_1=False,
            in_release_2=True,
            selectable=True,
            help_text=old.help_text,
        )
        old.in_release_2, old.selectable, old.replaced_by = False, False, new
        old.save(update_fields=["in_release_2", "selectable", "replaced_by"])


class Migration(migrations.Migration):
    dependencies = [("codes", "0003_code_list_source_and_confirmed")]

    # Going back keeps the values (records may hold the Release 2 ones); coming forward again finds them.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
