"""Forms set Complete before the CLD block kept its event's values are given them, as the action now keeps them
(cld/block.py, CldBlock.on_complete), so that the extract reads one stored value of each:

- Event end date, where none was entered: the day the form was set Complete (the block's default);
- the person's history row as they stood at the end of that day (the newest up to then; for a person recorded after
  it, their first), a person with no history at all first given one from their record;
- the event's Client Type: the form type's (a carers' form), else the person's in that row;
- the adults the person cares for: as many as that row records, else as many as are linked to them, and the LA Person
  IDs of the first three linked (in code point order), as they are linked now (links keep no history).
"""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Collate, NullIf, TruncDate
from django.utils import timezone

BATCH = 2000
BYTE_ORDER = {"postgresql": "C", "sqlite": "BINARY"}


def keep(apps, schema_editor):
    Form = apps.get_model("forms_engine", "Form")
    FormType = apps.get_model("forms_engine", "FormType")
    Case = apps.get_model("cases", "Case")
    Person = apps.get_model("cases", "Person")
    HistoricalPerson = apps.get_model("cases", "HistoricalPerson")
    events = Form.objects.filter(form_type__has_cld_section=True, status__in=["complete", "closed"])

    zone = timezone.get_default_timezone()
    events.filter(cld_event_end__isnull=True).update(cld_event_end=TruncDate("completed_at", tzinfo=zone))

    fields = [field.attname for field in Person._meta.concrete_fields if field.attname != "updated_at"]
    unrecorded = Person.objects.exclude(pk__in=HistoricalPerson.objects.values("id")).order_by("pk")
    now = timezone.now()
    while batch := list(unrecorded.values(*fields)[:BATCH]):
        HistoricalPerson.objects.bulk_create(
            HistoricalPerson(**row, history_date=now, history_type="+", history_change_reason="Recorded for CLD events")
            for row in batch
        )

    person = Case.objects.filter(pk=OuterRef(OuterRef("case_id"))).values("person_id")
    history = HistoricalPerson.objects.filter(id=Subquery(person))
    newest = history.filter(history_date__date__lte=OuterRef("cld_event_end")).order_by("-history_date", "-history_id")
    first = history.order_by("history_date", "history_id")
    events.filter(cld_person_as_at__isnull=True).update(
        cld_person_as_at=Coalesce(Subquery(newest.values("history_id")[:1]), Subquery(first.values("history_id")[:1]))
    )
    form_type = FormType.objects.filter(pk=OuterRef("form_type_id")).values("cld_client_type_id")
    then = HistoricalPerson.objects.filter(history_id=OuterRef("cld_person_as_at_id")).values("client_type_id")
    events.filter(cld_client_type__isnull=True).update(cld_client_type=Coalesce(Subquery(form_type), Subquery(then)))

    links = Person.cares_for.through.objects.filter(from_person_id=Subquery(person))
    count = links.order_by().values("from_person_id").annotate(n=Count("*")).values("n")
    recorded = HistoricalPerson.objects.filter(history_id=OuterRef("cld_person_as_at_id")).values("adults_cared_for")
    linked = links.order_by(Collate("to_person__la_person_id", BYTE_ORDER[schema_editor.connection.vendor]))
    linked = linked.values("to_person__la_person_id")
    events.update(
        cld_adults_cared_for=Coalesce(Subquery(recorded), NullIf(Coalesce(Subquery(count), 0), Value(0))),
        cld_linked_person_1=Coalesce(Subquery(linked[:1]), Value("")),
        cld_linked_person_2=Coalesce(Subquery(linked[1:2]), Value("")),
        cld_linked_person_3=Coalesce(Subquery(linked[2:3]), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_person_as_at_the_event"),
        ("cld", "0011_seed_event_dates_and_carer_events"),
        ("forms_engine", "0016_event_client_type_and_cared_for"),
    ]

    operations = [migrations.RunPython(keep, migrations.RunPython.noop)]
