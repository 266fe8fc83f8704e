"""The code lists now belong to the codes app (codes 0001): the CLD rules point at codes.CodeValue, and this app stops
recording the two models. Nothing changes in the database: the tables, their rows and every foreign key stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_code_values_moved_to_codes"),
        ("cld", "0006_seed_person_condition_lists"),
        ("codes", "0001_initial"),
        ("forms_engine", "0013_code_values_moved_to_codes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cldfieldrule",
                    name="event_type",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Leave blank for a rule that holds whatever the Event Type (and before one is chosen).",
                        limit_choices_to={"code_list__key": "event_type"},
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="codes.codevalue",
                    ),
                ),
                migrations.AlterField(
                    model_name="cldconditionalrule",
                    name="when_value",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="codes.codevalue"
                    ),
                ),
                migrations.AlterField(
                    model_name="cldfieldrule",
                    name="default_value",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Preselected value.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="codes.codevalue",
                    ),
                ),
                migrations.RemoveField(model_name="codevalue", name="code_list"),
                migrations.RemoveField(model_name="codevalue", name="replaced_by"),
                migrations.DeleteModel(name="CodeList"),
                migrations.DeleteModel(name="CodeValue"),
            ],
            database_operations=[],
        ),
    ]
