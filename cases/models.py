import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.validators import (
    format_nhs_number,
    normalise_nhs_number,
    normalise_postcode,
    validate_gp_practice_code,
    validate_nhs_number,
    validate_postcode,
)
from codes.models import attach_code_values, code_value_field

_CASE_NUMBER = re.compile(r"^(CAS-?)?0*(\d{1,9})$", re.IGNORECASE)


class Team(models.Model):
    """A team of the council (locality social work, occupational therapy, reablement, ...). Its members' forms wait
    in its managers' Forms to Sign-Off queue (cases/teams.py)."""

    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_teams",
        help_text="Sign off the forms of the team's members (they need the Manager role).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamDeputy(models.Model):
    """Another manager who signs off a team's forms for a period (from and to, both days included), named by one of
    its managers (cases/teams.py)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="deputies")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputy_for")
    starts_on = models.DateField("from")
    ends_on = models.DateField("to")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    named_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "starts_on", "pk"]
        verbose_name = "deputy"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="deputy_ends_after_start")
        ]
        indexes = [models.Index(fields=["deputy", "ends_on"], name="deputy_current_idx")]

    def __str__(self):
        return f"{self.deputy} for {self.team}, {self.starts_on:%d/%m/%Y} to {self.ends_on:%d/%m/%Y}"


PERSON_CODE_FIELDS = (
    "gender",
    "ethnicity",
    "client_type",
    "primary_support_reason",
    "accommodation_status",
    "employment_status",
    "has_unpaid_carer",
    "autism",
    "visual_impairment",
    "hearing_impairment",
    "dementia",
    "client_funding_status",
)


class Person(models.Model):
    """A client of adult social care, with the person-level fields of Client Level Data."""

    la_person_id = models.CharField(
        "LA person unique identifier",
        max_length=40,
        unique=True,
        help_text="The council's own client ID; identifies the person when the NHS number is missing.",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    date_of_death = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        blank=True,
        validators=[validate_nhs_number],
        help_text="10 digits, e.g. 943 476 5919. Leave blank if not known.",
    )
    gender = code_value_field("gender", "gender")
    ethnicity = code_value_field("ethnicity", "ethnicity")
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    client_type = code_value_field("client_type", "client type")
    primary_support_reason = code_value_field("primary_support_reason", "primary support reason")
    accommodation_status = code_value_field("accommodation_status", "accommodation status")
    employment_status = code_value_field("employment_status", "employment status", required=False)
    has_unpaid_carer = code_value_field("has_unpaid_carer", "has unpaid carer")
    # Also in the CLD extract (cld-spec.md §2): conditions, funding, GP, and the adults an unpaid carer cares for
    gp_practice_name = models.CharField("GP practice name", max_length=150, blank=True)
    gp_practice_code = models.CharField(
        "GP practice code",
        max_length=6,
        blank=True,
        validators=[validate_gp_practice_code],
        help_text="The practice's ODS code: a letter and five digits, e.g. B82018.",
    )
    autism = code_value_field("autism", "autism spectrum disorder (ASD)", required=False)
    visual_impairment = code_value_field("visual_impairment", "visual impairment", required=False)
    hearing_impairment = code_value_field("hearing_impairment", "hearing impairment", required=False)
    dementia = code_value_field("dementia", "dementia", required=False)
    client_funding_status = code_value_field("client_funding_status", "client funding status", required=False)
    cares_for = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="carers",
        help_text="For an unpaid carer: the adults they care for who are known to the council.",
    )
    adults_cared_for = models.PositiveSmallIntegerField(
        "number of adults being cared for",
        null=True,
        blank=True,
        help_text="For an unpaid carer: all the adults they care for, including any not known to the council.",
    )
    # A restricted record (a member of staff, their relative, a high-profile case): only the users and the teams
    # allowed (and information governance) open it; anyone else may break the glass, giving a reason
    # (cases/access.py)
    restricted = models.BooleanField(
        default=False,
        help_text="Only the users and teams allowed below open the record; anyone else must give a reason first.",
    )
    restriction_reason = models.CharField(
        "why it is restricted", max_length=200, blank=True, help_text="For example: a member of staff."
    )
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", help_text="Users who may open a restricted record."
    )
    allowed_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="+",
        help_text="Teams whose members and managers may open a restricted record.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"], condition=~Q(nhs_number=""), name="unique_nhs_number_when_known"
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True) | Q(date_of_death__gte=models.F("date_of_birth")),
                name="death_not_before_birth",
            ),
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.nhs_number = normalise_nhs_number(self.nhs_number)
        self.postcode = normalise_postcode(self.postcode)
        super().save(*args, **kwargs)

    def clean(self):
        self.nhs_number = normalise_nhs_number(self.nhs_number)
        self.postcode = normalise_postcode(self.postcode)
        today = timezone.localdate()
        errors = {}
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "The date of birth cannot be in the future."
        if self.date_of_death:
            if self.date_of_death > today:
                errors["date_of_death"] = "The date of death cannot be in the future."
            elif self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors["date_of_death"] = "The date of death cannot be before the date of birth."
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self):
        return full_name(self.given_name, self.family_name)

    def with_code_values(self):
        """Load every code value the person points at, in one query."""
        attach_code_values([self], PERSON_CODE_FIELDS)
        return self

    @property
    def nhs_number_display(self):
        return format_nhs_number(self.nhs_number)

    def age_on(self, day):
        return age_on(self.date_of_birth, day)

    @property
    def age(self):
        return self.age_on(self.date_of_death or timezone.localdate())


def age_on(born, day):
    """Age in whole years on a day, for someone born on `born`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def full_name(given_name, family_name):
    """How a client is named on pages."""
    return f"{given_name} {family_name}"


class CaseQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("person", "responsible_team", "responsible_user")

    def for_header(self):
        """What a page about one case shows at its top (cases/_case_header.html): its number and its client's name."""
        return self.select_related("person").only(
            "case_number", "responsible_team_id", "person__given_name", "person__family_name", "person__restricted"
        )

    def for_record(self):
        """The case, its person and team, and the people a carer cares for (code values: see with_code_values)."""
        return self.for_list().prefetch_related("person__cares_for")

    def search(self, text):
        """Find cases by case number, NHS number, LA person ID, or the client's name."""
        # Control characters (a NUL byte breaks a PostgreSQL query) are never part of a name or a number.
        text = " ".join("".join(ch for ch in (text or "") if ch >= " ").split())
        if not text:
            return self
        digits = normalise_nhs_number(text)
        if digits.isdigit() and len(digits) == 10:
            return self.filter(person__nhs_number=digits)
        number = _CASE_NUMBER.match(text)
        if number and number.group(1):
            return self.filter(case_number=Case.format_number(int(number.group(2))))
        condition = Q(person__la_person_id__iexact=text)
        if number:
            condition |= Q(case_number=Case.format_number(int(number.group(2))))
        words = text.split(" ")
        name_condition = Q()
        for word in words:
            name_condition &= Q(person__given_name__istartswith=word) | Q(person__family_name__istartswith=word)
        return self.filter(condition | name_condition)


class Case(models.Model):
    """A person's case record: the container for the forms recorded about them."""

    NUMBER_PREFIX = "CAS-"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    case_number = models.CharField(max_length=20, unique=True, null=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    start_date = models.DateField(default=datetime.date.today)
    end_date = models.DateField(null=True, blank=True)
    responsible_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            # The case list, newest first: without it every page sorted all 100,000 cases (110 ms).
            models.Index(fields=["-start_date", "-id"], name="case_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="case_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(status="open", end_date__isnull=True) | Q(status="closed", end_date__isnull=False),
                name="case_closed_has_end_date",
            ),
        ]

    def __str__(self):
        return f"{self.case_number} {self.person}"

    def save(self, *args, **kwargs):
        # The number comes from the primary key, so it is unique without a lock: insert, then number it.
        if self.case_number:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.case_number = self.format_number(self.pk)
            type(self).objects.filter(pk=self.pk).update(case_number=self.case_number)
            type(self).history.filter(id=self.pk, case_number__isnull=True).update(case_number=self.case_number)

    def get_absolute_url(self):
        return reverse("cases:case-detail", args=[self.pk])

    @classmethod
    def format_number(cls, number):
        return f"{cls.NUMBER_PREFIX}{number:06d}"


class AccessLogRefused(Exception):
    """The access log is append-only: a row is never changed, and removed only by the retention command."""


class AccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        name = self.model._meta.verbose_name_plural.capitalize()
        raise AccessLogRefused(f"{name} are kept as recorded: never changed.")

    def delete(self):
        raise AccessLogRefused(
            f"{self.model._meta.verbose_name_plural.capitalize()} are removed only past their retention "
            "(prune_access_log)."
        )

    def _prune(self):
        """Remove these rows: for cases.access.prune alone (the retention command), which the database allows."""
        return super().delete()


class AppendOnly(models.Model):
    """A record kept as evidence: written once, never changed or deleted through the model or its queryset."""

    objects = AccessQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogRefused(f"A {self._meta.verbose_name} is recorded once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogRefused(f"A {self._meta.verbose_name} is removed only past its retention (prune_access_log).")


class RecordAccess(AppendOnly):
    """One view of a person's data: who, when, whose record, which object, what kind of access, from which address.

    Append-only (cases/access.py writes it): the model and its queryset refuse changes and deletes, the admin shows
    it read-only, and on PostgreSQL a trigger refuses an UPDATE or DELETE from anywhere but the retention command
    (migration 0009). Person, case and user are kept as ids without foreign keys, so that nothing a log row points
    at is held by it, and nothing removed takes a log row with it."""

    class Kind(models.TextChoices):
        CASE_RECORD = "case_record", "Case Record"
        CASE_FORMS = "case_forms", "Forms (Case)"
        FORM = "form", "Form"
        FORM_HISTORY = "form_history", "Form history"
        PRINT_HISTORY = "print_history", "Print history"
        PRINT_PAGE = "print_page", "Print choices"
        WORD = "word", "Word document"
        CLD_EXTRACT = "cld_extract", "CLD extract run"
        SUBJECT_ACCESS = "subject_access", "Subject access export"
        BREAK_GLASS = "break_glass", "Broke the glass"

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    case = models.ForeignKey(
        "Case", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField(
        null=True, blank=True, help_text="The form, case or extract run seen (which the kind names)."
    )
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "record access"
        verbose_name_plural = "access log"
        indexes = [
            # who viewed this record, newest first (keyset pages)
            models.Index(fields=["person", "-at", "-id"], name="access_by_person_idx"),
            # the retention command's cut-off, and information governance's view by date
            models.Index(fields=["at"], name="access_by_time_idx"),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} of person {self.person_id} by user {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
        )


class AccessLogPruning(models.Model):
    """A run of the retention command: when, the cut-off it used and how many rows of the access log it removed."""

    at = models.DateTimeField(default=timezone.now)
    removed_before = models.DateTimeField()
    removed = models.PositiveIntegerField()
    retention_days = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}: {self.removed} rows before {self.removed_before:%Y-%m-%d} removed"


class BreakGlass(AppendOnly):
    """A user who is not allowed to open a restricted record opened it anyway, giving a reason: listed for
    information governance, and opening the record for that user for settings.BREAK_GLASS_HOURS."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "break of the glass"
        verbose_name_plural = "breaks of the glass"
        indexes = [
            models.Index(fields=["user", "person", "-at"], name="break_glass_open_idx"),
            models.Index(fields=["-at", "-id"], name="break_glass_newest_idx"),
        ]

    def __str__(self):
        return f"User {self.user_id} opened restricted person {self.person_id} at {self.at:%Y-%m-%d %H:%M}"
