"""The code lists move from the cld app to this one, keeping their tables, rows and every foreign key to them.

This migration only tells Django that the models now live here (their tables are still cld_codelist and
cld_codevalue); the references from people, forms and CLD rules are moved in those apps' next migrations, and
0002 renames the tables. The content types move too, so the permissions granted on code lists stay granted.
"""

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="cld", model__in=["codelist", "codevalue"]).update(app_label="codes")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="codes", model__in=["codelist", "codevalue"]).update(app_label="cld")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cld", "0006_seed_person_condition_lists"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CodeList",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "key",
                            models.SlugField(
                                help_text="Stable name used by the code, e.g. 'gender'.", max_length=60, unique=True
                            ),
                        ),
                        (
                            "name",
                            models.CharField(help_text="The field's name in the CLD specification.", max_length=120),
                        ),
                        ("description", models.TextField(blank=True)),
                    ],
                    options={"ordering": ["name"], "db_table": "cld_codelist"},
                ),
                migrations.CreateModel(
                    name="CodeValue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "label",
                            models.CharField(
                                help_text="Exactly as the specification spells it (case matters).", max_length=200
                            ),
                        ),
                        (
                            "order",
                            models.PositiveIntegerField(default=0, help_text="Position in the specification's list."),
                        ),
                        ("in_release_1", models.BooleanField(default=False, verbose_name="valid in Release 1")),
                        ("in_release_2", models.BooleanField(default=False, verbose_name="valid in Release 2")),
                        (
                            "selectable",
                            models.BooleanField(default=True, help_text="Offered to practitioners on new records."),
                        ),
                        ("help_text", models.TextField(blank=True)),
                        (
                            "code_list",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="values",
                                to="codes.codelist",
                            ),
                        ),
                        (
                            "replaced_by",
                            models.ForeignKey(
                                blank=True,
                                help_text=(
                                    "For a Release 1 value that Release 2 renamed or merged: "
                                    "the Release 2 value it maps to."
                                ),
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="replaces",
                                to="codes.codevalue",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["code_list", "order", "label"],
                        "db_table": "cld_codevalue",
                        "constraints": [
                            models.UniqueConstraint(fields=("code_list", "label"), name="unique_label_per_code_list"),
                            models.CheckConstraint(
                                condition=models.Q(("in_release_1", True), ("in_release_2", True), _connector="OR"),
                                name="code_value_in_some_release",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
