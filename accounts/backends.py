import contextvars
import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

from accounts.models import User

# The role permissions that pages check on every request (navigation, dashboards): loaded with the user itself.
PRELOADED_PERMISSIONS = tuple(f"accounts.{codename}" for codename, _ in User._meta.permissions)
_CODENAMES = tuple(permission.split(".")[1] for permission in PRELOADED_PERMISSIONS)


@functools.cache  # the text depends only on the database and the models: built once per process
def user_columns(vendor):
    """The user's columns (table alias u) and, in one more, which of the preloaded permissions the user holds
    directly or by role: (SQL for a SELECT list, its parameters). `caredirector.sessions` selects them too, joined to
    the session, so a signed-in request reads both in one query.

    Written by hand, and read without a RawQuerySet, because it runs on every signed-in request: the ORM's version
    (one EXISTS per permission over outer joins) cost about 2 ms of Python to build and 6 ms of PostgreSQL planning;
    this plans in 0.3 ms.
    """
    aggregate = "string_agg(p.codename, ',')" if vendor == "postgresql" else "group_concat(p.codename, ',')"
    marks = ", ".join(["%s"] * len(_CODENAMES))
    user_groups, user_permissions = User.groups.through._meta.db_table, User.user_permissions.through._meta.db_table
    # Columns named, not u.*: a prepared statement must not change shape when a migration adds a column.
    columns = ", ".join(f'u."{field.column}"' for field in User._meta.concrete_fields)
    sql = f"""
        {columns}, (
            SELECT {aggregate} FROM {Permission._meta.db_table} p
            JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id
            WHERE ct.app_label = %s AND p.codename IN ({marks}) AND (
                p.id IN (SELECT up.permission_id FROM {user_permissions} up WHERE up.user_id = u.id)
                OR p.id IN (
                    SELECT gp.permission_id FROM {Group.permissions.through._meta.db_table} gp
                    JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = u.id
                )
            )
        ) AS held_role_permissions
    """  # noqa: S608 - table names from the models; values are parameters
    return sql, (User._meta.app_label, *_CODENAMES)


@functools.cache
def _user_sql(vendor):
    columns, params = user_columns(vendor)
    return f"SELECT {columns} FROM {User._meta.db_table} u WHERE u.id = %s", params  # noqa: S608


# The user row a signed-in request's session query read with the session (caredirector.sessions), while
# accounts.middleware asks Django who the user is: (user id, columns as read). Set only for that call.
preloaded_user = contextvars.ContextVar("preloaded_user", default=None)


_FIELD_NAMES = [field.attname for field in User._meta.concrete_fields]


def _converters(connection):
    """What the ORM does to the user's columns as they are read (e.g. SQLite's datetimes made aware), per column.

    Found afresh each time (microseconds): converters belong to the connection that asks, and one kept in a cache
    would keep that connection alive after its thread had gone.
    """
    found = []
    for index, field in enumerate(User._meta.concrete_fields):
        column = field.get_col(User._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if converters:
            found.append((index, converters, column))
    return found


class RoleBackend(ModelBackend):
    """Django's model backend, answering the role permissions from the query that loads the user."""

    def get_user(self, user_id):
        try:
            user_id = User._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 - a malformed id in a session is an anonymous visitor, as in Django
            return None
        alias = router.db_for_read(User)
        connection = connections[alias]
        preloaded = preloaded_user.get()
        if preloaded is not None and preloaded[0] == user_id:
            row = preloaded[1]
        else:
            sql, params = _user_sql(connection.vendor)
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, user_id])
                row = cursor.fetchone()
        if row is None:
            return None
        *values, held = row
        for index, converters, column in _converters(connection):
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        user = User.from_db(alias, _FIELD_NAMES, values)
        if not self.user_can_authenticate(user):
            return None
        held = set((held or "").split(","))
        user._role_permissions = {
            perm for perm, codename in zip(PRELOADED_PERMISSIONS, _CODENAMES, strict=True) if codename in held
        }
        return user

    def has_perm(self, user_obj, perm, obj=None):
        held = getattr(user_obj, "_role_permissions", None)
        if held is not None and perm in PRELOADED_PERMISSIONS and obj is None:
            return user_obj.is_active and (user_obj.is_superuser or perm in held)
        return super().has_perm(user_obj, perm, obj)
