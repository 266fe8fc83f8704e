from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef

from accounts.models import User

# The role permissions that pages check on every request (navigation, dashboards): loaded with the user itself.
ROLE_PERMISSIONS = {f"accounts.{codename}": codename for codename, _ in User._meta.permissions}


def _holds(codename):
    """Whether the user holds an accounts permission, directly or through one of their roles."""
    permission = Permission.objects.filter(content_type__app_label="accounts", codename=codename)
    either = Exists(permission.filter(user=OuterRef("pk"))) | Exists(permission.filter(group__user=OuterRef("pk")))
    return ExpressionWrapper(either, output_field=BooleanField())


class RoleBackend(ModelBackend):
    """Django's model backend, reading the user's role permissions in the query that reads the user.

    Without it, the first permission check of a request (every page's navigation makes one) costs two more queries.
    """

    def get_user(self, user_id):
        users = User._default_manager.annotate(
            **{f"holds_{codename}": _holds(codename) for codename in ROLE_PERMISSIONS.values()}
        )
        try:
            user = users.get(pk=user_id)
        except (User.DoesNotExist, ValueError, TypeError):  # a malformed id in a session is nobody, as in Django
            return None
        if not self.user_can_authenticate(user):
            return None
        user.role_permissions = {
            permission for permission, codename in ROLE_PERMISSIONS.items() if getattr(user, f"holds_{codename}")
        }
        return user

    def has_perm(self, user_obj, perm, obj=None):
        held = getattr(user_obj, "role_permissions", None)
        if held is not None and perm in ROLE_PERMISSIONS and obj is None:
            return user_obj.is_active and (user_obj.is_superuser or perm in held)
        return super().has_perm(user_obj, perm, obj)
