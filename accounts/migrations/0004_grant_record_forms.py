"""Practitioners and managers record forms; form administrators configure form types."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Practitioner": [("accounts", "record_forms")],
    "Manager": [("accounts", "record_forms")],
    "Form administrator": [
        ("forms_engine", f"{action}_{model}")
        for model in ("formtype", "section", "question")
        for action in ("view", "add", "change", "delete")
    ]
    + [("forms_engine", "view_formtypeversion")],
}


def grant(apps, schema_editor):
    for label in ("accounts", "forms_engine"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in GRANTS.items():
        group = Group.objects.get(name=role)
        for app_label, codename in permissions:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in GRANTS.items():
        group = Group.objects.get(name=role)
        for app_label, codename in permissions:
            group.permissions.remove(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_record_forms_permission"),
        ("forms_engine", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
