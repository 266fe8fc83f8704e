"""The code lists' tables take this app's names (cld_codelist -> codes_codelist, cld_codevalue -> codes_codevalue).

Foreign keys refer to a table itself, not its name (PostgreSQL keeps them by the table's identity; SQLite 3.26 and
later rewrites them on a rename), so every reference made before the move still holds.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("codes", "0001_initial"),
        ("cld", "0007_code_lists_moved_to_codes"),
    ]

    operations = [
        migrations.AlterModelTable(name="codelist", table=None),
        migrations.AlterModelTable(name="codevalue", table=None),
    ]
