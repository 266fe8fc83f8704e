from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from accounts.models import User

# The role permissions that pages check on every request (navigation, dashboards): loaded with the user itself.
PRELOADED_PERMISSIONS = tuple(f"accounts.{codename}" for codename, _ in User._meta.permissions)


def _holds(permission):
    app_label, codename = permission.split(".")
    return Exists(
        Permission.objects.filter(content_type__app_label=app_label, codename=codename).filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk"))
        )
    )


class RoleBackend(ModelBackend):
    """Django's model backend, answering the role permissions from the query that loads the user."""

    def get_user(self, user_id):
        flags = {f"holds_{index}": _holds(perm) for index, perm in enumerate(PRELOADED_PERMISSIONS)}
        user = User._default_manager.annotate(**flags).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user._role_permissions = {
            perm for index, perm in enumerate(PRELOADED_PERMISSIONS) if getattr(user, f"holds_{index}")
        }
        return user

    def has_perm(self, user_obj, perm, obj=None):
        held = getattr(user_obj, "_role_permissions", None)
        if held is not None and perm in PRELOADED_PERMISSIONS and obj is None:
            return user_obj.is_active and (user_obj.is_superuser or perm in held)
        return super().has_perm(user_obj, perm, obj)
