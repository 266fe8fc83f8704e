from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from codes.models import CodeValue


class CldField(models.TextChoices):
    """The fields of the CLD block on a form, in the order they are shown."""

    EVENT_TYPE = "event_type", "Event Type"
    EVENT_START = "event_start", "Event start date"
    EVENT_END = "event_end", "Event end date"
    EVENT_DESCRIPTION_ASSESSMENT = "event_description_assessment", "Event Description – Assessment"
    EVENT_DESCRIPTION_REQUEST = "event_description_request", "Event Description – Request"
    EVENT_DESCRIPTION_REVIEW = "event_description_review", "Event Description – Review"
    EVENT_OUTCOME = "event_outcome", "Event Outcome"
    ASSESSMENT_TYPE = "assessment_type", "Assessment Type"
    ELIGIBLE_NEEDS = "eligible_needs", "Eligible needs identified"
    NON_ELIGIBLE_NEEDS = "non_eligible_needs", "Non-eligible need identified"
    METHOD = "method", "Method of Assessment / Review"
    ROUTE_OF_ACCESS = "route_of_access", "Route of Access"
    REVIEW_REASON = "review_reason", "Review Reason"
    REVIEW_OUTCOMES = "review_outcomes", "Review Outcomes Achieved"
    CARING_HOURS = "caring_hours", "Total Voluntary Caring Hours per week"
    LONG_TERM_SUPPORT = "long_term_support", "Long Term Support Services (SALT)"


DESCRIPTION_FIELDS = {
    CldField.EVENT_DESCRIPTION_ASSESSMENT,
    CldField.EVENT_DESCRIPTION_REQUEST,
    CldField.EVENT_DESCRIPTION_REVIEW,
}


class CldFieldRule(models.Model):
    """Whether a CLD field is shown, and required to complete, on one form type for one Event Type.

    A rule without a form type is a national one: whether the national submission needs the field of every event of
    the Event Type (shown: it applies; required: it is mandatory). The data-quality report of the CLD extract checks
    every row against the national rules (cld/rules.py: submission_requirements).
    """

    form_type = models.ForeignKey(
        "forms_engine.FormType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cld_rules",
        help_text="Leave blank for a national rule, which holds for every event whatever its form type.",
    )
    event_type = models.ForeignKey(
        CodeValue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list__key": "event_type"},
        help_text="Leave blank for a rule that holds whatever the Event Type (and before one is chosen).",
    )
    field = models.CharField(max_length=40, choices=CldField.choices)
    shown = models.BooleanField(default=True)
    required = models.BooleanField("required to complete", default=False)
    default_value = models.ForeignKey(
        CodeValue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Preselected value."
    )
    choices = models.TextField(blank=True, help_text="For the Event Description fields: the choices, one per line.")

    class Meta:
        ordering = ["form_type", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_type", "event_type", "field"],
                condition=Q(event_type__isnull=False),
                name="one_rule_per_field_and_event_type",
            ),
            models.UniqueConstraint(
                fields=["form_type", "field"], condition=Q(event_type__isnull=True), name="one_rule_per_field_any_event"
            ),
            # Two NULLs are not equal to a unique index: the national rules need indexes of their own.
            models.UniqueConstraint(
                fields=["event_type", "field"],
                condition=Q(form_type__isnull=True, event_type__isnull=False),
                name="one_national_rule_per_field_and_event_type",
            ),
            models.UniqueConstraint(
                fields=["field"],
                condition=Q(form_type__isnull=True, event_type__isnull=True),
                name="one_national_rule_per_field_any_event",
            ),
            models.CheckConstraint(condition=Q(required=False) | Q(shown=True), name="required_fields_are_shown"),
        ]

    def __str__(self):
        return f"{self.form_type or 'National'} / {self.event_type or 'any event'} / {self.get_field_display()}"

    def clean(self):
        if self.choices.strip() and self.field not in DESCRIPTION_FIELDS:
            raise ValidationError({"choices": "Only the Event Description fields take a list of choices."})


class NationalRuleManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(form_type__isnull=True)


class NationalFieldRule(CldFieldRule):
    """The national rules alone (CldFieldRule without a form type), for their own page in the admin."""

    objects = NationalRuleManager()

    class Meta:
        proxy = True
        verbose_name = "national CLD field rule"


class CldConditionalRule(models.Model):
    """A national rule that hides or requires a CLD field when another field holds a given value."""

    class Effect(models.TextChoices):
        HIDE = "hide", "Hide (not applicable)"
        REQUIRE = "require", "Require to complete"

    field = models.CharField(max_length=40, choices=CldField.choices)
    effect = models.CharField(max_length=10, choices=Effect.choices)
    when_field = models.CharField(max_length=40, choices=CldField.choices)
    when_value = models.ForeignKey(CodeValue, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=300, blank=True, help_text="Where the rule comes from.")

    class Meta:
        ordering = ["field", "when_field"]
        constraints = [
            models.UniqueConstraint(
                fields=["field", "when_field", "when_value"], name="one_conditional_rule_per_trigger"
            )
        ]

    def __str__(self):
        effect, field, when = self.get_effect_display(), self.get_field_display(), self.get_when_field_display()
        return f"{effect}: {field} when {when} is {self.when_value}"


def run_file_path(run, filename):
    return f"cld-runs/{run.period_start:%Y}/{run.pk}/{filename}"


class ExtractRun(models.Model):
    """One run of the CLD extract: who asked, for which period and release, what it found, and the exact files.

    A run is queued, taken by a worker (or done at once where there is no queue), and ends done or failed; its files
    are saved to storage only once whole, so a run that did not finish offers none.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (State.QUEUED, State.RUNNING)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, default="page", editable=False, help_text="page or command")
    output = models.CharField(
        "written to", max_length=500, blank=True, help_text="For a run of manage.py cld_extract: the file it wrote."
    )
    period_start = models.DateField("reporting period start")
    period_end = models.DateField("reporting period end")
    release = models.PositiveSmallIntegerField("specification release")
    la_code = models.CharField("LA Code", max_length=3)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    failure = models.TextField("why it failed", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_expected = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    forms_failing = models.PositiveIntegerField(null=True, blank=True)
    rows_by_event_type = models.JSONField(default=dict, blank=True)
    failures_by_field = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=dict, blank=True)
    worst_forms = models.JSONField(default=list, blank=True)
    extract_file = models.FileField(upload_to=run_file_path, blank=True, max_length=200)
    extract_sha256 = models.CharField("extract SHA-256", max_length=64, blank=True)
    extract_size = models.PositiveBigIntegerField("extract bytes", null=True, blank=True)
    report_file = models.FileField(upload_to=run_file_path, blank=True, max_length=200)
    report_sha256 = models.CharField("data-quality report SHA-256", max_length=64, blank=True)
    report_size = models.PositiveBigIntegerField("data-quality report bytes", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["period_start", "period_end", "release", "-requested_at"])]
        constraints = [
            # One run of a period and release at a time, whatever the number of web servers and workers.
            models.UniqueConstraint(
                fields=["period_start", "period_end", "release"],
                condition=Q(state__in=["queued", "running"]),
                name="one_active_extract_run_per_period",
            ),
            models.CheckConstraint(condition=~Q(state="done") | ~Q(extract_sha256=""), name="a_done_run_has_its_file"),
        ]

    def __str__(self):
        return f"CLD extract run {self.pk}: {self.period_start} to {self.period_end}, Release {self.release}"

    def get_absolute_url(self):
        return reverse("cld:run", args=[self.pk])

    @property
    def active(self):
        return self.state in self.ACTIVE

    @property
    def rows(self):
        return sum(self.rows_by_event_type.values()) if self.rows_by_event_type else self.rows_done

    @property
    def failures(self):
        return sum(self.failures_by_field.values())
