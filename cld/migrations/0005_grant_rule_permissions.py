"""Form administrators maintain the CLD rules in admin, beside the form types."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    f"{action}_{model}"
    for model in ("cldfieldrule", "cldconditionalrule")
    for action in ("view", "add", "change", "delete")
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("cld")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Form administrator")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="cld", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Form administrator")
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="cld", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("cld", "0004_seed_cld_rules"), ("accounts", "0004_grant_record_forms")]

    operations = [migrations.RunPython(grant, revoke)]
