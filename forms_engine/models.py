import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from caredirector.links import url_for
from codes.models import YES_NO, code_value_field


def choice_list(text):
    """The choices of a question or rule typed one per line, blank lines and surrounding spaces dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


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


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    DATE = "date", "Date"
    NUMBER = "number", "Number"
    YES_NO = "yes_no", "Yes/No"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"


CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}


class FormTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class FormType(models.Model):
    """A kind of form an administrator designs: its sections, questions and sign-off rules."""

    name = models.CharField(max_length=150, unique=True)
    code = models.SlugField(max_length=60, unique=True)
    active = models.BooleanField(default=True, help_text="Only active form types can be chosen for new forms.")
    description = models.TextField(blank=True)
    requires_sign_off = models.BooleanField(
        "requires manager sign-off",
        default=True,
        help_text="When off, a form closes by itself as soon as it is set Complete.",
    )
    multiple_open_allowed = models.BooleanField(
        "multiple open forms allowed",
        default=False,
        help_text="When off, a case may hold only one In Progress or Complete form of this type at a time.",
    )
    self_sign_off_allowed = models.BooleanField(
        "responsible user may sign off own form",
        default=False,
        help_text="When off, a manager cannot close a form for which they are the responsible user.",
    )
    has_cld_section = models.BooleanField(
        "has Client Level Data section", default=False, help_text="Adds the CLD block to the Office Use Only section."
    )

    objects = FormTypeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def definition(self):
        """Return the current sections and questions as plain data: what a form started now will keep."""
        sections = []
        for section in self.sections.prefetch_related("questions"):
            sections.append(
                {
                    "id": section.pk,
                    "title": section.title,
                    "office_use_only": section.office_use_only,
                    "left_out_of_print": section.left_out_of_print,
                    "questions": [question.as_definition() for question in section.questions.all()],
                }
            )
        return {"name": self.name, "has_cld_section": self.has_cld_section, "sections": sections}

    def current_version(self):
        """Return the version matching the current definition, creating it when the definition has changed."""
        definition = self.definition()
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        existing = self.versions.filter(digest=digest).first()
        if existing:
            return existing
        for _attempt in range(3):
            latest = self.versions.order_by("-number").values_list("number", flat=True).first() or 0
            try:
                with transaction.atomic():
                    return self.versions.create(number=latest + 1, definition=definition, digest=digest)
            except IntegrityError:
                # Another request created a version at the same moment: use it if it is the same definition.
                existing = self.versions.filter(digest=digest).first()
                if existing:
                    return existing
        raise IntegrityError(f"Could not record a new version of form type {self.pk}.")


class Section(models.Model):
    form_type = models.ForeignKey(FormType, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=150)
    order = models.PositiveIntegerField(default=0)
    office_use_only = models.BooleanField("office use only", default=False)
    left_out_of_print = models.BooleanField(
        "left out of print by default",
        default=False,
        help_text="Unticked on the Print screen unless the user ticks it (e.g. Office Use Only).",
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.form_type}: {self.title}"


class Question(models.Model):
    form_type = models.ForeignKey(FormType, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.SHORT_TEXT)
    choices = models.TextField(blank=True, help_text="For single and multiple choice questions: one choice per line.")
    required = models.BooleanField("required to complete", default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.form_type_id = self.section.form_type_id
        super().save(*args, **kwargs)

    def clean(self):
        choices = self.choice_list()
        if self.kind in CHOICE_KINDS and len(choices) < 2:
            raise ValidationError({"choices": "A choice question needs at least two choices, one per line."})
        if self.kind not in CHOICE_KINDS and choices:
            raise ValidationError({"choices": "Only single and multiple choice questions have choices."})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": "Each choice must be different."})

    def choice_list(self):
        return choice_list(self.choices)

    def as_definition(self):
        return {
            "id": self.pk,
            "label": self.label,
            "help_text": self.help_text,
            "kind": self.kind,
            "choices": self.choice_list(),
            "required": self.required,
        }


class FormTypeVersion(models.Model):
    """A frozen copy of a form type's sections and questions; forms keep the version they were started with."""

    form_type = models.ForeignKey(FormType, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form_type", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form_type", "number"], name="unique_version_number"),
            models.UniqueConstraint(fields=["form_type", "digest"], name="unique_version_definition"),
        ]

    def __str__(self):
        return f"{self.form_type} v{self.number}"

    @property
    def sections(self):
        return self.definition["sections"]

    def questions(self):
        for section in self.sections:
            yield from section["questions"]


def can_sign_off(form, user):
    """Whether the user may close (or return) this form: an authoriser, and not their own unless the type allows."""
    if not user.has_perm("accounts.authorise_forms"):
        return False
    return form.responsible_user_id != user.pk or form.form_type.self_sign_off_allowed


def needs_no_sign_off(form):
    return not form.form_type.requires_sign_off


class MyFormsFilter(models.TextChoices):
    ALL = "all", "All"
    IN_PROGRESS = "in_progress", "In Progress"
    RETURNED = "returned", "Returned for amendment"
    AWAITING = "awaiting", "Complete, awaiting sign-off"
    CLOSED_RECENTLY = "closed_recently", "Closed recently"


RECENTLY_CLOSED_DAYS = 30
# Days a Complete form has waited for sign-off, as the manager's chart groups them: (key, label, from, to)
WAITING_BANDS = [
    ("0-2", "0–2 days", 0, 2),
    ("3-5", "3–5 days", 3, 5),
    ("6-10", "6–10 days", 6, 10),
    ("11+", "Over 10 days", 11, None),
]


# A list row's Responsible User, where a list shows them (not My Forms: the forms are the user's own)
USER_COLUMNS = ("responsible_user__username", "responsible_user__first_name", "responsible_user__last_name")


# A list row's client and case, where a list shows them (not Forms (Case): the page is the case's)
CASE_COLUMNS = ("case__case_number", "case__person__given_name", "case__person__family_name")


# What a row of a list of forms read by a Statement (caredirector.statements) holds; FormRow names them.
ROW_COLUMNS = (
    "id",
    "status",
    "returned_reason",
    "form_type__name",
    "start_date",
    "completed_at",
    "closed_on",
    "case_id",
)


class FormRow:
    """A form as a list row shows it, read from plain columns: building model instances cost more than the query.

    Made from ROW_COLUMNS and, where the list shows them, CASE_COLUMNS, USER_COLUMNS and "cld_quality__fields" (CLD
    failures).
    """

    __slots__ = (
        "pk",
        "status",
        "returned_reason",
        "form_type",
        "start_date",
        "completed_at",
        "closed_on",
        "case_id",
        "case_number",
        "client_name",
        "responsible_user",
        "cld_failures",
    )

    def __init__(self, columns):
        self.pk = columns["id"]
        self.status = columns["status"]
        self.returned_reason = columns["returned_reason"]
        self.form_type = columns["form_type__name"]
        self.start_date = columns["start_date"]
        self.completed_at = columns["completed_at"]
        self.closed_on = columns["closed_on"]
        self.case_id = columns["case_id"]
        self.case_number = columns.get("case__case_number")
        if "case__person__given_name" in columns:
            self.client_name = f"{columns['case__person__given_name']} {columns['case__person__family_name']}"
        else:
            self.client_name = None
        username = columns.get("responsible_user__username")
        full = f"{columns.get('responsible_user__first_name', '')} {columns.get('responsible_user__last_name', '')}"
        self.responsible_user = full.strip() or username  # as User.display_name
        self.cld_failures = columns.get("cld_quality__fields") or []

    @classmethod
    def many(cls, names, rows):
        return [cls(dict(zip(names, row, strict=True))) for row in rows]

    @property
    def reference(self):
        return reference_for(self.pk)

    def get_absolute_url(self):
        return url_for("forms:form-edit", self.pk)

    @property
    def case_url(self):
        return url_for("cases:case-detail", self.case_id)

    @property
    def completed_on(self):
        return timezone.localdate(self.completed_at) if self.completed_at else None


@FSMField.register_lookup
class Is(models.Lookup):
    """status__is="complete": a comparison with a constant written into the SQL itself, not sent as a parameter.

    Statements are prepared (settings: DB_PREPARE_THRESHOLD), and a prepared statement's generic plan cannot know that
    a parameter will be 'complete', so it could never use the partial indexes of the awaiting set and PostgreSQL plans
    such a query afresh on every run (2 ms). Only a status value can be written so.
    """

    lookup_name = "is"

    def as_sql(self, compiler, connection):
        if self.rhs not in Form.Status.values:
            raise ValueError(f"status__is takes a status, not {self.rhs!r}")
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = '{self.rhs}'", params


class FormQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Form.OPEN_STATUSES)

    def awaiting_sign_off(self):
        return self.filter(status__is=Form.Status.COMPLETE)  # the partial indexes' condition, as they state it

    def my_forms_filters(self, closed_since):
        """The condition of each My Forms filter ("Closed recently": closed on or after `closed_since`)."""
        return {
            MyFormsFilter.ALL: Q(),
            MyFormsFilter.IN_PROGRESS: Q(status=Form.Status.IN_PROGRESS, returned_reason=""),
            MyFormsFilter.RETURNED: Q(status=Form.Status.IN_PROGRESS) & ~Q(returned_reason=""),
            MyFormsFilter.AWAITING: Q(status=Form.Status.COMPLETE),
            MyFormsFilter.CLOSED_RECENTLY: Q(status=Form.Status.CLOSED, closed_on__gte=closed_since),
        }

    def waiting_band(self, key, today):
        """Complete forms that have waited the given band of days since completion."""
        band = waiting_band_named(key)
        return self.filter(_waiting(band, today)) if band else self.none()

    def waiting_band_counts(self, today):
        """Count the forms in every waiting band, in one query."""
        # completed_at is in the partial index and never null on a Complete form: an index-only count.
        return self.aggregate(
            **{band[0]: models.Count("completed_at", filter=_waiting(band, today)) for band in WAITING_BANDS}
        )

    def for_page(self):
        # Seven tables at most: PostgreSQL plans a join of ten in about 10 ms, longer than it runs. Who returned a
        # form is fetched only when the page shows it; the form it was cloned from is known from its id.
        return self.select_related("form_type", "version", "responsible_user", "case__person", "cld_quality")


def waiting_band_named(key):
    """The waiting band with this key ("0-2", "11+", ...), or None."""
    return next((band for band in WAITING_BANDS if band[0] == key), None)


def band_days(band, today):
    """The first and last local day of completion in a waiting band: `high` to `low` whole days before today
    (first None when the band has no upper end)."""
    _key, _label, low, high = band
    first = None if high is None else today - datetime.timedelta(days=high)
    return first, today - datetime.timedelta(days=low)


def waiting_bounds(band, today):
    """The moments a waiting band's forms were completed in: (from, until), from None when the band has no upper end."""
    first, last = band_days(band, today)
    return (None if first is None else _start_of_day(first)), _start_of_day(last + datetime.timedelta(days=1))


def _waiting(band, today):
    """The condition for forms completed on the days of a waiting band."""
    since, until = waiting_bounds(band, today)
    condition = Q(completed_at__lt=until)
    if since is not None:
        condition &= Q(completed_at__gte=since)
    return condition


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reference_for(pk):
    return f"FRM-{pk:07d}"


class Form(ConcurrentTransitionMixin, models.Model):
    """A form recorded on a case: answers to one version of a form type, moving In Progress -> Complete -> Closed."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In Progress"
        COMPLETE = "complete", "Complete"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (Status.IN_PROGRESS, Status.COMPLETE)

    # No index of its own: form_case_newest_idx starts with the case. With both, the plan PostgreSQL keeps for a
    # prepared statement (made for a case of a few forms) took this one and sorted all of a busy client's forms.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="forms", db_index=False)
    form_type = models.ForeignKey(FormType, on_delete=models.PROTECT, related_name="forms")
    version = models.ForeignKey(FormTypeVersion, on_delete=models.PROTECT, related_name="forms")
    status = FSMField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS, protected=True)
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

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = FormQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # One open form per type per case, unless the type allows more: the database settles races.
            models.UniqueConstraint(
                fields=["case", "form_type"],
                condition=Q(status__in=["in_progress", "complete"], single_open=True),
                name="one_open_form_per_type",
            ),
            models.CheckConstraint(condition=Q(cld_caring_hours__lte=168), name="caring_hours_at_most_a_week"),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(completed_at__isnull=False),
                name="complete_and_closed_forms_have_completion",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="closed", closed_on__isnull=False, closed_at__isnull=False) & ~Q(closed_by_name="")
                    | (~Q(status="closed") & Q(closed_on__isnull=True, closed_at__isnull=True, closed_by__isnull=True))
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
            models.Index(
                fields=["form_type", "completed_at"], condition=Q(status="complete"), name="form_awaiting_sign_off_idx"
            ),
            # ... and across types, longest waiting first (the waiting-time bars and their keyset pages)
            models.Index(
                fields=["completed_at", "id"], condition=Q(status="complete"), name="form_awaiting_by_age_idx"
            ),
            # My Forms' "Closed recently": a user's closed forms by closing date (the other tabs come from tallies)
            models.Index(
                fields=["responsible_user", "closed_on"], condition=Q(status="closed"), name="form_closed_by_user_idx"
            ),
        ]

    def __str__(self):
        return f"{self.form_type} ({self.reference})"

    def get_absolute_url(self):
        return url_for("forms:form-edit", self.pk)

    @property
    def reference(self):
        """The form's stable reference, shown to users and used as the CLD Event Reference."""
        return reference_for(self.pk)

    @property
    def cloned_from_reference(self):
        return reference_for(self.cloned_from_id) if self.cloned_from_id else ""

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def completed_on(self):
        return timezone.localdate(self.completed_at) if self.completed_at else None

    def can_edit(self, user):
        return self.status == self.Status.IN_PROGRESS and user.has_perm("accounts.record_forms")

    def can_sign_off(self, user):
        return self.status == self.Status.COMPLETE and can_sign_off(self, user)

    # --- Transitions: they change the form in memory; forms_engine.actions locks, saves and records history. -----

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.COMPLETE)
    def complete(self, *, by):
        self.completed_at = timezone.now()
        self.completed_by = by
        self.returned_reason = ""

    @transition(field=status, source=Status.COMPLETE, target=Status.CLOSED, conditions=[needs_no_sign_off])
    def close_automatically(self):
        self.closed_on = self.completed_on
        self.closed_at = timezone.now()
        self.closed_by_name = "Closed automatically (no sign-off needed)"

    @transition(field=status, source=Status.COMPLETE, target=Status.CLOSED, permission=can_sign_off)
    def close(self, *, by, closed_on, name):
        self.closed_on = closed_on
        self.closed_by_name = name
        self.closed_by = by
        self.closed_at = timezone.now()

    @transition(field=status, source=Status.COMPLETE, target=Status.IN_PROGRESS, permission=can_sign_off)
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
