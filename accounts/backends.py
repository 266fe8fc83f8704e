from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField, Case, IntegerField, OuterRef, Q, Subquery, Sum, Value, When

from accounts.models import User
from caredirector.prepared import Param, Prepared

# The role permissions that pages check on every request (navigation, dashboards): loaded with the user itself.
ROLE_PERMISSIONS = [f"accounts.{codename}" for codename, _ in User._meta.permissions]
CODENAMES = [permission.split(".")[1] for permission in ROLE_PERMISSIONS]
FIELDS = [field.attname for field in User._meta.concrete_fields]


def _users_with_role_permissions():
    """Users, each with the role permissions they hold (directly or through a role) as a bitmask: bit i for
    ROLE_PERMISSIONS[i]. One subquery: each permission held counts once, however many roles grant it."""
    held = (
        Permission.objects.filter(content_type__app_label="accounts", codename__in=CODENAMES)
        .filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
        .annotate(
            bit=Case(
                *(When(codename=codename, then=Value(1 << index)) for index, codename in enumerate(CODENAMES)),
                output_field=IntegerField(),
            )
        )
        .order_by()
        .values("content_type")  # one group: the accounts permissions
        .annotate(mask=Sum("bit", distinct=True))
        .values("mask")
    )
    users = User._default_manager.annotate(role_mask=Subquery(held, output_field=IntegerField()))
    return users.filter(pk=Param("user", BigIntegerField())).values_list(*FIELDS, "role_mask")


class RoleBackend(ModelBackend):
    """Django's model backend, reading the user's role permissions in the query that reads the user.

    Without it, the first permission check of a request (every page's navigation makes one) costs two more queries.
    """

    # Every signed-in request runs it: compiled once (caredirector/prepared.py), 0.5 ms a request
    users = Prepared(_users_with_role_permissions)

    def get_user(self, user_id):
        try:
            found = self.users.rows(user=User._meta.pk.to_python(user_id))
        except ValidationError:  # a malformed id in a session is nobody, as in Django
            return None
        if not found:
            return None
        *values, mask = found[0]
        user = User.from_db("default", FIELDS, values)
        if not self.user_can_authenticate(user):
            return None
        mask = mask or 0
        user.role_permissions = {perm for index, perm in enumerate(ROLE_PERMISSIONS) if mask & (1 << index)}
        return user

    def has_perm(self, user_obj, perm, obj=None):
        held = getattr(user_obj, "role_permissions", None)
        if held is not None and perm in ROLE_PERMISSIONS and obj is None:
            return user_obj.is_active and (user_obj.is_superuser or perm in held)
        return super().has_perm(user_obj, perm, obj)
