"""Indexes for the case list: newest first, and finding people by the start of a name (PostgreSQL).

A name search asks for UPPER(given_name) LIKE 'SMI%' OR UPPER(family_name) LIKE 'SMI%' (Django's istartswith), or the
LA person ID in any case. On
PostgreSQL a btree over UPPER(name) with text_pattern_ops serves such a prefix in any collation; without it every
search read all 100,000 people (90 ms). SQLite has no operator classes and reads its small tables instead.
"""

from django.conf import settings
from django.db import migrations, models

NAME_INDEXES = {  # all three, or the OR of the search cannot be answered from indexes at all
    "person_given_name_prefix_idx": "given_name",
    "person_family_name_prefix_idx": "family_name",
    "person_la_person_id_upper_idx": "la_person_id",  # iexact: UPPER(la_person_id) = UPPER(text)
}


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in NAME_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX {name} ON cases_person (UPPER("{column}"::text) text_pattern_ops)')


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAME_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_person_extract_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-start_date", "-id"], name="case_newest_idx"),
        ),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
