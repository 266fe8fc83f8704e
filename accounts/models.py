from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class User(AbstractUser):
    """A member of staff who signs in: practitioner, manager, form administrator or data team."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]
        permissions = [
            ("record_forms", "Can record forms"),
            ("authorise_forms", "Can authorise forms"),
            ("run_cld_extract", "Can run CLD extract"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @property
    def can_authorise_forms(self):
        return self.has_perm("accounts.authorise_forms")

    @property
    def can_run_cld_extract(self):
        return self.has_perm("accounts.run_cld_extract")

    @property
    def can_record_forms(self):
        return self.has_perm("accounts.record_forms")


class LoginThrottle(models.Model):
    """Failed sign-ins for one account or one address, kept in the database so every app server sees them."""

    key = models.CharField(max_length=200, unique=True, help_text="'user:<username>' or 'ip:<address>'.")
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "login throttle"

    def __str__(self):
        return f"{self.key}: {self.failures} failures"


class Session(AbstractBaseSession):
    """A database session that names its signed-in user, so a request reads the session and the user in one query.

    The user is also in the session's data, where Django looks for it; this column, written from the data on every
    save (caredirector.sessions), only lets the session's query join the user's row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self):
        # Not the key, which signs its holder in (the base class shows it, e.g. on a deletion's confirmation page)
        return f"Session of user {self.user_id}" if self.user_id else "Session"

    @classmethod
    def get_session_store_class(cls):
        from caredirector.sessions import SessionStore

        return SessionStore
