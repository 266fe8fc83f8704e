"""Point forms' CLD block fields (and their history) at the code values' new home, codes.CodeValue.

The same table, so only Django's record of the foreign keys changes; no row is touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forms_engine", "0012_my_forms_tallies"),
        ("codes", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="form",
                    name="cld_assessment_type",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "assessment_type"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Assessment Type",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_eligible_needs",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "eligible_needs_identified"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Eligible needs identified",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_event_outcome",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "event_outcome"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Event Outcome",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_event_type",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "event_type"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Event Type",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_method",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "method_of_assessment"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Method of Assessment / Review",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_review_outcomes",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "review_outcomes_achieved"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Review Outcomes Achieved",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_review_reason",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "review_reason"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Review Reason",
                    ),
                ),
                migrations.AlterField(
                    model_name="form",
                    name="cld_route_of_access",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"code_list__key": "route_of_access"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Route of Access",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_assessment_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "assessment_type"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Assessment Type",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_eligible_needs",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "eligible_needs_identified"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Eligible needs identified",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_event_outcome",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "event_outcome"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Event Outcome",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_event_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "event_type"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Event Type",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_method",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "method_of_assessment"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Method of Assessment / Review",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_review_outcomes",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "review_outcomes_achieved"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Review Outcomes Achieved",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_review_reason",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "review_reason"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Review Reason",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalform",
                    name="cld_route_of_access",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"code_list__key": "route_of_access"},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="codes.codevalue",
                        verbose_name="Route of Access",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
