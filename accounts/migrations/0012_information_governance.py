"""Information governance: a role that sees who viewed any record (the access log, cases/access.py) and exports
everything held on a person for a subject access request (forms_engine/subject_access.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("record_forms", "Can record forms"),
    ("authorise_forms", "Can authorise forms"),
    ("run_cld_extract", "Can run CLD extract"),
    ("print_forms", "Can print forms to Word"),
    ("sign_off_all_teams", "Can sign off the forms of every team"),
    ("view_access_log", "Can see who viewed a record"),
    ("export_subject_access", "Can export everything held on a person"),
]
GRANTED = ("view_access_log", "export_subject_access")
ROLE = "Information governance"


def create_role(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ROLE)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=GRANTED))


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="accounts", codename__in=GRANTED
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_head_of_service")]

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
        migrations.RunPython(create_role, remove_role),
    ]
