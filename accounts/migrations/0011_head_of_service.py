"""Forms to Sign-Off shows a manager their own teams' forms; a head of service signs off every team's, with the
permission to choose all teams (cases/teams.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("record_forms", "Can record forms"),
    ("authorise_forms", "Can authorise forms"),
    ("run_cld_extract", "Can run CLD extract"),
    ("print_forms", "Can print forms to Word"),
    ("sign_off_all_teams", "Can sign off the forms of every team"),
]
HEAD_OF_SERVICE = ("authorise_forms", "print_forms", "sign_off_all_teams")


def create_role(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Head of service")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=HEAD_OF_SERVICE))


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Head of service").delete()
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="accounts", codename="sign_off_all_teams"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_print_permission")]

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
