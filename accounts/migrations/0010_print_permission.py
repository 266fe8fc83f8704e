"""Printing a form to Word takes a client's record out of the system: it needs its own permission, which
practitioners and managers hold (forms_engine.actions.print_form refuses anyone else)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("record_forms", "Can record forms"),
    ("authorise_forms", "Can authorise forms"),
    ("run_cld_extract", "Can run CLD extract"),
    ("print_forms", "Can print forms to Word"),
]
PRINTING_ROLES = ("Practitioner", "Manager")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="accounts", codename="print_forms")
    for group in Group.objects.filter(name__in=PRINTING_ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="accounts", codename="print_forms"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_sessions_are_djangos")]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["first_name", "last_name", "username"],
                "permissions": PERMISSIONS,
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
