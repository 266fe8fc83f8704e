"""When a person's record last changed, so that the CLD extract reads their history only for the events they changed
after (cld/events.py: as_at). Existing records take the date of their newest history row; a record with no history
(loaded in bulk) counts as unchanged."""

import datetime

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def backfill(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    History = apps.get_model("cases", "HistoricalPerson")
    newest = History.objects.filter(id=OuterRef("pk")).order_by().values("id").annotate(last=Max("history_date"))
    Person.objects.update(updated_at=Coalesce(Subquery(newest.values("last")), Value(LONG_AGO)))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_code_values_moved_to_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=LONG_AGO),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
