"""Counts of forms that PostgreSQL triggers keep in the same transaction as every change to a form (migrations 0010
and 0012): the dashboards read a few rows instead of counting forms. Nothing in the app writes them."""

from django.conf import settings
from django.db import models

from forms_engine.models.form_types import FormType


class AwaitingByOwner(models.Model):
    """How many forms await sign-off, per form type and Responsible User.

    Kept by a PostgreSQL trigger on the form table in the same transaction as each change (migration 0010), so the
    Forms to Sign-Off chart reads a few thousand rows instead of counting 100,000 forms on every view.
    """

    form_type = models.ForeignKey(FormType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form_type", "responsible_user"], name="awaiting_owner_once")]

    def __str__(self):
        return f"{self.count} awaiting: type {self.form_type_id}, user {self.responsible_user_id}"


class MyFormsTally(models.Model):
    """How many of a Responsible User's forms are In Progress, Returned for amendment, Complete, and Closed.

    Kept by a PostgreSQL trigger in the same transaction as each change to a form (migration 0012), so My Forms reads
    four rows for its tabs instead of counting all of a practitioner's forms (3,300 at a large council) on every view.
    """

    class Bucket(models.TextChoices):
        IN_PROGRESS = "in_progress", "In Progress, not returned"
        RETURNED = "returned", "Returned for amendment"
        COMPLETE = "complete", "Complete"
        CLOSED = "closed", "Closed"

    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    bucket = models.CharField(max_length=20, choices=Bucket.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["responsible_user", "bucket"], name="my_forms_tally_once")]

    def __str__(self):
        return f"{self.count} {self.bucket}: user {self.responsible_user_id}"


class AwaitingByDay(models.Model):
    """How many forms await sign-off, per local day of completion (kept by the same trigger)."""

    day = models.DateField(unique=True)
    count = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.count} awaiting since {self.day}"
