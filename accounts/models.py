from django.contrib.auth.models import AbstractUser
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
            ("print_forms", "Can print forms to Word"),
            ("sign_off_all_teams", "Can sign off the forms of every team"),
            ("view_access_log", "Can see who viewed a record"),
            ("export_subject_access", "Can export everything held on a person"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return display_name(self.first_name, self.last_name, self.username)

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


def display_name(first_name, last_name, username):
    """How a member of staff is named on pages: their full name, or their username when there is none."""
    return f"{first_name} {last_name}".strip() or username  # AbstractUser.get_full_name(), or the username


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
