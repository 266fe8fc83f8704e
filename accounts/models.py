from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim


class User(AbstractUser):
    """A member of staff who signs in: practitioner, manager, form administrator or data team."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]
        permissions = [
            ("record_forms", "Can record forms"),
            ("authorise_forms", "Can authorise forms"),
            ("run_cld_extract", "Can run CLD extract"),
            ("print_forms", "Can print forms to Word"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The full name, or the username when there is none (display_name_expression says it to the database)."""
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

    @property
    def can_print_forms(self):
        return self.has_perm("accounts.print_forms")


def display_name_expression(user="responsible_user"):
    """User.display_name of the user at the end of a relation, computed by the database (for list rows)."""
    full = Trim(Concat(F(f"{user}__first_name"), Value(" "), F(f"{user}__last_name")))
    return Coalesce(NullIf(full, Value("")), F(f"{user}__username"))


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
