"""The session engine: Django's database sessions (django.contrib.sessions.backends.db), with the read of a session
compiled once per process (caredirector/prepared.py).

Every signed-in request reads its session: building and compiling Django's query for it cost 0.3 ms a request, more
than PostgreSQL takes to run it. `load()` is the method Django's documentation names for a session engine to
implement; this one reads what Django's does (the session's data, if it has not expired) and decodes it as Django
does. Writing, creating, deleting and clearing expired sessions are Django's own.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from caredirector.prepared import Param, Prepared

SESSION = Prepared(
    lambda: Session.objects.filter(
        session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
    ).values_list("session_data")
)


class SessionStore(DatabaseStore):
    def load(self):
        found = SESSION.rows(key=self.session_key, now=timezone.now()) if self.session_key else []
        if not found:
            self._session_key = None  # as Django does: a new session if anything is saved
            return {}
        return self.decode(found[0].session_data)
