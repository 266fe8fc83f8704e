"""Forms recorded on cases, their prints and their data-quality flags."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Concat, LPad
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from codes.models import YES_NO, code_value_field
from forms_engine.models.form_types import FormType, FormTypeVersion


def cld_column(field):
    """The Form attribute that stores a CLD block field (the three Event Descriptions share one column)."""
    return "cld_event_description" if field.startswith("event_description") else f"cld_{field}"


CLD_CODE_FIELDS = (
    "event_type",
    "event_outcome",
    "assessment_type",
    "eligible_needs",
    "method",
    "route_of_access",
    "review_reason",
    "review_outcomes",
)


class FormStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In Progress"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed"

    @property
    def badge(self):
        """The colour of the status's badge on pages (a Bootstrap colour)."""
        return {FormStatus.IN_PROGRESS: "primary", FormStatus.COMPLETE: "warning", FormStatus.CLOSED: "secondary"}[self]


OPEN_STATUSES = [FormStatus.IN_PROGRESS, FormStatus.COMPLETE]


def is_returned(status, returned_reason):
    """Returned for amendment: sent back by a manager and not set Complete again. RETURNED says it to the database."""
    return status == FormStatus.IN_PROGRESS and returned_reason != ""


RETURNED = Q(status=FormStatus.IN_PROGRESS) & ~Q(returned_reason="")  # is_returned(), as a condition


def can_sign_off(form, user):
    """Whether the user may close (or return) this form: an authoriser, and not their own unless the type allows."""
    if not user.has_perm("accounts.authorise_forms"):
        return False
    return form.responsible_user_id != user.pk or form.form_type.self_sign_off_allowed


def needs_no_sign_off(form):
    return not form.form_type.requires_sign_off


def reference_for(pk):
    """A form's reference, shown to users and written as the CLD Event Reference: FRM- and at least seven digits."""
    return f"FRM-{pk:07d}"


def reference_expression(pk="pk"):
    """reference_for() of a form id column, computed by the database (the CLD extract's Event Reference)."""
    text = Cast(pk, models.CharField())
    padded = models.Case(
        models.When(**{f"{pk}__lt": 10_000_000}, then=LPad(text, 7, models.Value("0"))),
        default=text,  # LPad would cut a longer number to seven digits
    )
    return Concat(models.Value("FRM-"), padded, output_field=models.CharField())


@FSMField.register_lookup
class Is(models.Lookup):
    """status__is="complete": a comparison with a constant written into the SQL itself, not sent as a parameter.

    Statements are prepared (settings: DB_PREPARE_THRESHOLD), and a prepared statement's generic plan cannot know that
    a parameter will be 'complete', so it could never use the partial indexes of the awaiting set and PostgreSQL plans
    such a query afresh on every run (2 ms). Only a status value can be written so.
    """

    lookup_name = "is"

    def as_sql(self, compiler, connection):
        if self.rhs not in FormStatus.values:
            raise ValueError(f"status__is takes a status, not {self.rhs!r}")
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = '{self.rhs}'", params


class FormQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def returned(self):
        return self.filter(RETURNED)

    def awaiting_sign_off(self):
        return self.filter(status__is=FormStatus.COMPLETE)  # the partial indexes' condition, as they state it

    # What a page about one form reads with it. Seven tables at most: PostgreSQL plans a join of ten in about 10 ms,
    # longer than it runs. Who returned a form is fetched only when the page shows it; the form it was cloned from is
    # known from its id. (forms_engine/queries.form_for_page reads the same, compiled once.)
    PAGE_RELATIONS = ("form_type", "version", "responsible_user", "case", "case__person", "cld_quality")

    def for_page(self):
        return self.select_related(*self.PAGE_RELATIONS)


class Form(models.Model):
    """A form recorded on a case: answers to one version of a form type, moving In Progress -> Complete -> Closed.

    Every change goes through forms_engine.actions, which locks the row, checks the rules, saves once and writes one
    history row; the status can change only by the transitions below (django-fsm's protected field).
    """

    Status = FormStatus

    # No index of its own: form_case_newest_idx starts with the case. With both, the plan PostgreSQL keeps for a
    # prepared statement (made for a case of a few forms) took this one and sorted all of a busy client's forms.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="forms", db_index=False)
    form_type = models.ForeignKey(FormType, on_delete=models.PROTECT, related_name="forms")
    version = models.ForeignKey(FormTypeVersion, on_delete=models.PROTECT, related_name="forms")
    status = FSMField(max_length=20, choices=FormStatus.choices, default=FormStatus.IN_PROGRESS, protected=True)
    single_open = models.BooleanField(
        default=True, editable=False, help_text="Copied from the form type: only one open form of its type per case."
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsible_forms"
    )
    start_date = models.DateField(default=datetime.date.today)
    answers = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    closed_on = models.DateField("closing date", null=True, blank=True, editable=False)
    closed_by_name = models.CharField("closed by (name)", max_length=150, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_reason = models.TextField(blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The team whose deputy closed or returned the form, when it was a deputy (cases.TeamDeputy) and not a manager of
    # the Responsible User's teams
    signed_as_deputy_for = models.ForeignKey(
        "cases.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="signed off as deputy for",
        db_index=False,  # nearly always empty, never looked up by: no index over a million forms and their history
    )
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Client Level Data: the block in the Office Use Only section (cld/). Hidden fields are always stored empty.
    cld_event_type = code_value_field("event_type", "Event Type", required=False)
    cld_event_description = models.CharField("Event Description", max_length=200, blank=True)
    cld_event_outcome = code_value_field("event_outcome", "Event Outcome", required=False)
    cld_long_term_support = models.CharField(
        "receives long term support services (SALT)", max_length=3, choices=YES_NO, blank=True
    )
    cld_assessment_type = code_value_field("assessment_type", "Assessment Type", required=False)
    cld_eligible_needs = code_value_field("eligible_needs_identified", "Eligible needs identified", required=False)
    cld_non_eligible_needs = models.CharField("Non-eligible need identified", max_length=3, choices=YES_NO, blank=True)
    cld_method = code_value_field("method_of_assessment", "Method of Assessment / Review", required=False)
    cld_route_of_access = code_value_field("route_of_access", "Route of Access", required=False)
    cld_review_reason = code_value_field("review_reason", "Review Reason", required=False)
    cld_review_outcomes = code_value_field("review_outcomes_achieved", "Review Outcomes Achieved", required=False)
    cld_caring_hours = models.PositiveSmallIntegerField(
        "Total Voluntary Caring Hours per week", null=True, blank=True, validators=[MaxValueValidator(168)]
    )
    cld_event_start = models.DateField("Event start date", null=True, blank=True)
    cld_event_end = models.DateField("Event end date", null=True, blank=True)
    # The person's record as it stood when the event ended: their history row, kept when the form is set Complete.
    # The CLD extract writes their circumstances from it (a join, where a look-up per row ran five times slower).
    cld_person_as_at = models.ForeignKey(
        "cases.HistoricalPerson",
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # history rows are evidence and never deleted; a missing one reads as "not kept"
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    # The event's Client Type, kept with the history row: the form type's (a carers' form), else the person's then.
    cld_client_type = code_value_field("client_type", "Client Type of the event", required=False, editable=False)
    # The adults the person cared for when the event ended (for a carer's event): how many, and the LA Person IDs of
    # the first three known to the council, in code point order; kept with the history row.
    cld_adults_cared_for = models.PositiveSmallIntegerField("No. of adults being cared for", null=True, editable=False)
    cld_linked_person_1 = models.CharField("Adult 1 Linked Person ID", max_length=40, blank=True, editable=False)
    cld_linked_person_2 = models.CharField("Adult 2 Linked Person ID", max_length=40, blank=True, editable=False)
    cld_linked_person_3 = models.CharField("Adult 3 Linked Person ID", max_length=40, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = FormQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # One open form per type per case, unless the type allows more: the database settles races.
            models.UniqueConstraint(
                fields=["case", "form_type"],
                condition=Q(status__in=OPEN_STATUSES, single_open=True),
                name="one_open_form_per_type",
            ),
            models.CheckConstraint(condition=Q(cld_caring_hours__lte=168), name="caring_hours_at_most_a_week"),
            models.CheckConstraint(
                condition=Q(cld_event_start__isnull=True)
                | Q(cld_event_end__isnull=True)
                | Q(cld_event_end__gte=models.F("cld_event_start")),
                name="cld_event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(status=FormStatus.IN_PROGRESS) | Q(completed_at__isnull=False),
                name="complete_and_closed_forms_have_completion",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=FormStatus.CLOSED, closed_on__isnull=False, closed_at__isnull=False)
                    & ~Q(closed_by_name="")
                    | (
                        ~Q(status=FormStatus.CLOSED)
                        & Q(closed_on__isnull=True, closed_at__isnull=True, closed_by__isnull=True)
                    )
                ),
                name="closing_fields_set_exactly_when_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-start_date", "-id"], name="form_case_newest_idx"),
            # My Forms: one user's forms, newest first
            # (covering the My Forms counts, so they are counted from the index alone)
            models.Index(
                fields=["responsible_user", "-created_at", "-id"],
                include=["status", "closed_on", "returned_reason"],
                name="form_my_forms_idx",
            ),
            # Forms to Sign-Off: the small set awaiting sign-off, by type and by completion time
            # (with the Responsible User, so that a team's list of a type, walking it, is read from the index alone)
            models.Index(
                fields=["form_type", "completed_at", "id"],
                include=["responsible_user"],
                condition=Q(status=FormStatus.COMPLETE),
                name="form_awaiting_by_type_idx",
            ),
            # ... and across types, longest waiting first (the waiting-time bars and their keyset pages)
            # (with the Responsible User, so that a team's list, walking it, is read from the index alone)
            models.Index(
                fields=["completed_at", "id"],
                include=["responsible_user"],
                condition=Q(status=FormStatus.COMPLETE),
                name="form_awaiting_by_age_idx",
            ),
            # ... and by Responsible User, for a team's queue (its members' forms; cases/teams.py)
            models.Index(
                fields=["responsible_user", "completed_at"],
                condition=Q(status=FormStatus.COMPLETE),
                name="form_awaiting_by_user_idx",
            ),
            # My Forms' "Closed recently": a user's closed forms by closing date
            models.Index(
                fields=["responsible_user", "closed_on"],
                condition=Q(status=FormStatus.CLOSED),
                name="form_closed_by_user_idx",
            ),
        ]

    def __str__(self):
        return f"{self.form_type} ({self.reference})"

    def get_absolute_url(self):
        return reverse("forms:form-edit", args=[self.pk])

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Django's: the status, which only a transition may set, is read back as a new instance's would be (per
        instance: django-fsm's FSMModelMixin unprotects the field for every thread while it refreshes)."""
        if fields is None or "status" in fields:
            self.__dict__.pop("status", None)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    @property
    def reference(self):
        """The form's stable reference, shown to users and used as the CLD Event Reference."""
        return reference_for(self.pk)

    @property
    def cloned_from_reference(self):
        return reference_for(self.cloned_from_id) if self.cloned_from_id else ""

    @property
    def completed_on(self):
        return timezone.localdate(self.completed_at) if self.completed_at else None

    @property
    def is_returned(self):
        return is_returned(self.status, self.returned_reason)

    def can_edit(self, user):
        return self.status == FormStatus.IN_PROGRESS and user.has_perm("accounts.record_forms")

    def can_sign_off(self, user):
        return self.status == FormStatus.COMPLETE and can_sign_off(self, user)

    # --- Transitions: they change the form in memory; forms_engine.actions locks, saves and records history. -----

    @transition(field=status, source=FormStatus.IN_PROGRESS, target=FormStatus.COMPLETE)
    def complete(self, *, by):
        self.completed_at = timezone.now()
        self.completed_by = by
        self.returned_reason = ""

    @transition(field=status, source=FormStatus.COMPLETE, target=FormStatus.CLOSED, conditions=[needs_no_sign_off])
    def close_automatically(self):
        self.closed_on = self.completed_on
        self.closed_at = timezone.now()
        self.closed_by_name = "Closed automatically (no sign-off needed)"

    @transition(field=status, source=FormStatus.COMPLETE, target=FormStatus.CLOSED, permission=can_sign_off)
    def close(self, *, by, closed_on, name):
        self.closed_on = closed_on
        self.closed_by_name = name
        self.closed_by = by
        self.closed_at = timezone.now()

    @transition(field=status, source=FormStatus.COMPLETE, target=FormStatus.IN_PROGRESS, permission=can_sign_off)
    def return_for_amendment(self, *, by, reason):
        self.returned_reason = reason
        self.returned_by = by
        self.returned_at = timezone.now()
        self.completed_at = None
        self.completed_by = None


class PrintRecord(models.Model):
    """One print of a form to Word: who, when, which sections, why, and the fingerprint of the file produced."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="prints")
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField(default=timezone.now)
    sections = models.JSONField(help_text="Titles of the sections printed, in order.")
    comment = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("size in bytes")

    class Meta:
        ordering = ["-printed_at", "-id"]
        indexes = [models.Index(fields=["form", "-printed_at"], name="print_form_newest_idx")]

    def __str__(self):
        return f"{self.form.reference} printed {self.printed_at:%d/%m/%Y %H:%M}"


class CldQualityFlag(models.Model):
    """The CLD fields of a form that failed the data-quality check of the last extract that included it."""

    form = models.OneToOneField(Form, on_delete=models.CASCADE, related_name="cld_quality")
    fields = models.JSONField(help_text="Extract headers that failed: blank but mandatory, or invalid.")
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "CLD data quality flag"

    def __str__(self):
        return f"{self.form.reference}: {len(self.fields)} CLD data quality failure(s)"
