import re

from django.conf import settings
from django.db import migrations

# The trigger of 0010, now firing only when a column it counts is written, and taking its row locks in one order
# (owner rows before day rows, lower key first), so two single-form changes cannot deadlock on the tallies.
FUNCTION = """
CREATE OR REPLACE FUNCTION forms_engine_tally_awaiting() RETURNS trigger AS $$
DECLARE
    was boolean := TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'complete';
    now_in boolean := TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'complete';
    old_day date;
    new_day date;
BEGIN
    IF was THEN
        old_day := (OLD.completed_at AT TIME ZONE %(zone)s)::date;
    END IF;
    IF now_in THEN
        new_day := (NEW.completed_at AT TIME ZONE %(zone)s)::date;
    END IF;
    IF was AND now_in AND OLD.form_type_id = NEW.form_type_id
       AND OLD.responsible_user_id = NEW.responsible_user_id AND old_day = new_day THEN
        RETURN NULL;
    END IF;
    IF was AND now_in
       AND (NEW.form_type_id, NEW.responsible_user_id) < (OLD.form_type_id, OLD.responsible_user_id) THEN
        PERFORM forms_engine_tally_owner(NEW.form_type_id, NEW.responsible_user_id, 1);
        PERFORM forms_engine_tally_owner(OLD.form_type_id, OLD.responsible_user_id, -1);
    ELSE
        IF was THEN
            PERFORM forms_engine_tally_owner(OLD.form_type_id, OLD.responsible_user_id, -1);
        END IF;
        IF now_in THEN
            PERFORM forms_engine_tally_owner(NEW.form_type_id, NEW.responsible_user_id, 1);
        END IF;
    END IF;
    IF was AND now_in AND new_day < old_day THEN
        PERFORM forms_engine_tally_day(new_day, 1);
        PERFORM forms_engine_tally_day(old_day, -1);
    ELSE
        IF was THEN
            PERFORM forms_engine_tally_day(old_day, -1);
        END IF;
        IF now_in THEN
            PERFORM forms_engine_tally_day(new_day, 1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
HELPERS = [
    """
CREATE OR REPLACE FUNCTION forms_engine_tally_owner(type_id bigint, user_id bigint, delta integer) RETURNS void AS $$
    INSERT INTO forms_engine_awaitingbyowner (form_type_id, responsible_user_id, count) VALUES (type_id, user_id, delta)
    ON CONFLICT (form_type_id, responsible_user_id) DO UPDATE SET count = forms_engine_awaitingbyowner.count + delta;
$$ LANGUAGE sql
""",
    """
CREATE OR REPLACE FUNCTION forms_engine_tally_day(on_day date, delta integer) RETURNS void AS $$
    INSERT INTO forms_engine_awaitingbyday (day, count) VALUES (on_day, delta)
    ON CONFLICT (day) DO UPDATE SET count = forms_engine_awaitingbyday.count + delta;
$$ LANGUAGE sql
""",
]
TRIGGER = [
    "DROP TRIGGER IF EXISTS forms_engine_tally_awaiting ON forms_engine_form",
    "CREATE TRIGGER forms_engine_tally_awaiting "
    "AFTER INSERT OR DELETE OR UPDATE OF status, form_type_id, responsible_user_id, completed_at "
    "ON forms_engine_form FOR EACH ROW EXECUTE FUNCTION forms_engine_tally_awaiting()",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    if not re.fullmatch(r"[A-Za-z0-9_+/-]+", settings.TIME_ZONE):
        raise ValueError(f"unexpected TIME_ZONE {settings.TIME_ZONE!r}")
    for statement in HELPERS:
        schema_editor.execute(statement)
    schema_editor.execute(FUNCTION % {"zone": f"'{settings.TIME_ZONE}'"})
    for statement in TRIGGER:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("forms_engine", "0010_awaiting_sign_off_tallies")]

    # Going back leaves 0010's trigger replaced by this one, which counts the same.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
