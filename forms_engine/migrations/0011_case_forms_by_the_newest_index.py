"""Form.case loses its own index: form_case_newest_idx (case, -start_date, -id) starts with the case and serves it.

With both, the plan PostgreSQL keeps for a prepared statement (made for a case of a few forms) could take the plain
index and sort all of a busy client's forms. Only the index is dropped: the foreign key stays as it is, so the
migration does not check every form against its case again.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "forms_engine_form_case_id_9f3daf18"  # the name Django gave the foreign key's index


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_person_extract_fields"),
        ("forms_engine", "0010_awaiting_sign_off_tallies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="form",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="forms",
                        to="cases.case",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX {INDEX} ON forms_engine_form (case_id)",
                ),
            ],
        ),
    ]
