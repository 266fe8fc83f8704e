"""Create the staff roles as groups, with the permissions each role holds."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Practitioner": [],
    "Manager": [("accounts", "authorise_forms")],
    "Form administrator": [
        ("cld", "view_codelist"),
        ("cld", "change_codelist"),
        ("cld", "view_codevalue"),
        ("cld", "add_codevalue"),
        ("cld", "change_codevalue"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these ones are needed now.
    for label in {app for perms in ROLE_PERMISSIONS.values() for app, _ in perms}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in permissions:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cld", "0002_seed_code_lists"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
