"""Database sessions whose one query also reads the signed-in user (and the user's role permissions).

Django's database sessions read the session, then the auth middleware reads the user: two queries on every signed-in
request. Here the session row names its user (accounts.Session.user, written from the session's data whenever it is
saved), so the session's SELECT joins the user's row; accounts.middleware hands that row to the authentication
backend, which checks it exactly as it checks a row it reads itself. Saving, expiry and clearing are Django's own.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from accounts.backends import user_columns


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data):
        self.session_data = session_data


class SessionStore(db.SessionStore):
    preloaded_user = None  # (user id, the user's columns) when the session names a user that exists

    @classmethod
    def get_model_class(cls):
        from accounts.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            session.user_id = None
        return session

    def _get_session_from_db(self):
        self.preloaded_user = None
        if not self._validate_session_key(self.session_key):
            self._session_key = None
            return None
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        columns, column_params = user_columns(connection.vendor)
        table = connection.ops.quote_name(model._meta.db_table)
        users = connection.ops.quote_name(model._meta.get_field("user").related_model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.session_data, {columns} FROM {table} s LEFT JOIN {users} u ON u.id = s.user_id "  # noqa: S608
                "WHERE s.session_key = %s AND s.expire_date > %s",
                [*column_params, self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session_data, *user = row
        if user[0] is not None:  # the user's id: the join found the user
            self.preloaded_user = (user[0], user)
        return _Row(session_data)
