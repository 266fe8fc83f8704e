from django.contrib.auth.models import AbstractUser


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
