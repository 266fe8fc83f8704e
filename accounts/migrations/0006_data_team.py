"""The Data team role: runs the quarterly CLD extract and its data-quality report."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_data_team(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Data team")
    group.permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="run_cld_extract"))


def remove_data_team(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Data team").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_extract_permission")]

    operations = [migrations.RunPython(create_data_team, remove_data_team)]
