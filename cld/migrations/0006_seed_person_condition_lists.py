"""Seed the service-user condition lists of the CLD extract (cld-spec.md §3.24: values not confirmed publicly)."""

from django.db import migrations

LISTS = {
    "autism": ("Autism Spectrum Disorder (ASD)", ["Yes", "No", "Unknown"]),
    "dementia": ("Dementia", ["Yes", "No", "Unknown"]),
    "visual_impairment": (
        "Visual Impairment",
        [
            "Blind/severely sight impaired",
            "Partial sight/sight impaired",
            "No visual impairment",
            "Visual impairment - severity unknown",
            "Unknown",
        ],
    ),
    "hearing_impairment": (
        "Hearing Impairment",
        [
            "Deaf with speech",
            "Deaf without speech",
            "Hard of hearing",
            "No hearing impairment",
            "Hearing impairment: Severity unknown",
            "Unknown",
        ],
    ),
}
DESCRIPTION = "Service users only; optional. Values not confirmed against the specification workbook."


def seed(apps, schema_editor):
    CodeList = apps.get_model("cld", "CodeList")
    CodeValue = apps.get_model("cld", "CodeValue")
    for key, (name, labels) in LISTS.items():
        code_list, _ = CodeList.objects.update_or_create(key=key, defaults={"name": name, "description": DESCRIPTION})
        for order, label in enumerate(labels, start=1):
            CodeValue.objects.update_or_create(
                code_list=code_list,
                label=label,
                defaults={"order": order, "in_release_1": True, "in_release_2": True, "selectable": True},
            )


def unseed(apps, schema_editor):
    apps.get_model("cld", "CodeList").objects.filter(key__in=LISTS).delete()


class Migration(migrations.Migration):
    dependencies = [("cld", "0005_grant_rule_permissions")]

    operations = [migrations.RunPython(seed, unseed)]
