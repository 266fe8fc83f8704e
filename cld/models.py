from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


def code_value_field(list_key, verbose_name, *, required=True, help_text=""):
    """Return a foreign key to a value of one CLD defined list, which an administrator can extend."""
    return models.ForeignKey(
        "cld.CodeValue",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": list_key},
        verbose_name=verbose_name,
        null=not required,
        blank=not required,
        help_text=help_text,
    )


def attach_code_values(instances, field_names):
    """Load the code values that instances point at in one query and cache them on the foreign keys.

    Joining a dozen code lists in one SELECT pushes PostgreSQL past its join-search limit (and into the genetic
    optimiser): one small query by primary key is faster and steadier.
    """
    instances = [instance for instance in instances if instance is not None]
    if not instances:
        return
    fields = [instances[0]._meta.get_field(name) for name in field_names]
    ids = {getattr(instance, field.attname) for instance in instances for field in fields} - {None}
    values = CodeValue.objects.in_bulk(ids) if ids else {}
    for instance in instances:
        for field in fields:
            field.set_cached_value(instance, values.get(getattr(instance, field.attname)))


class CodeList(models.Model):
    """A national defined list of the CLD specification (e.g. Gender, Event Outcome), kept as data."""

    key = models.SlugField(max_length=60, unique=True, help_text="Stable name used by the code, e.g. 'gender'.")
    name = models.CharField(max_length=120, help_text="The field's name in the CLD specification.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CodeValueQuerySet(models.QuerySet):
    def of_list(self, key):
        return self.filter(code_list__key=key)

    def selectable(self):
        """Values offered on new records, in the specification's order."""
        return self.filter(selectable=True).order_by("order", "label")


class CodeValue(models.Model):
    """One value of a defined list, as labelled in one or both releases of the specification."""

    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="values")
    label = models.CharField(max_length=200, help_text="Exactly as the specification spells it (case matters).")
    order = models.PositiveIntegerField(default=0, help_text="Position in the specification's list.")
    in_release_1 = models.BooleanField("valid in Release 1", default=False)
    in_release_2 = models.BooleanField("valid in Release 2", default=False)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="For a Release 1 value that Release 2 renamed or merged: the Release 2 value it maps to.",
    )
    selectable = models.BooleanField(default=True, help_text="Offered to practitioners on new records.")
    help_text = models.TextField(blank=True)

    objects = CodeValueQuerySet.as_manager()

    class Meta:
        ordering = ["code_list", "order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "label"], name="unique_label_per_code_list"),
            models.CheckConstraint(
                condition=Q(in_release_1=True) | Q(in_release_2=True), name="code_value_in_some_release"
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.replaced_by_id:
            successor = self.replaced_by
            if successor.code_list_id != self.code_list_id or not successor.in_release_2:
                raise ValidationError({"replaced_by": "Choose a Release 2 value of the same list."})

    def label_for_release(self, release):
        """Return this value's label in the given release, mapping across releases; None where there is none."""
        if release == 2:
            if self.in_release_2:
                return self.label
            return self.replaced_by.label if self.replaced_by_id else None
        if self.in_release_1:
            return self.label
        older = self.replaces.filter(in_release_1=True).order_by("order").first()
        return older.label if older else None


class CldField(models.TextChoices):
    """The fields of the CLD block on a form, in the order they are shown."""

    EVENT_TYPE = "event_type", "Event Type"
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


def choice_list(text):
    """The choices of a rule or question typed one per line, blank lines and surrounding spaces dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


DESCRIPTION_FIELDS = {
    CldField.EVENT_DESCRIPTION_ASSESSMENT,
    CldField.EVENT_DESCRIPTION_REQUEST,
    CldField.EVENT_DESCRIPTION_REVIEW,
}


class CldFieldRule(models.Model):
    """Whether a CLD field is shown, and required to complete, on one form type for one Event Type."""

    form_type = models.ForeignKey("forms_engine.FormType", on_delete=models.CASCADE, related_name="cld_rules")
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
            models.CheckConstraint(condition=Q(required=False) | Q(shown=True), name="required_fields_are_shown"),
        ]

    def __str__(self):
        return f"{self.form_type} / {self.event_type or 'any event'} / {self.get_field_display()}"

    def clean(self):
        if self.choices.strip() and self.field not in DESCRIPTION_FIELDS:
            raise ValidationError({"choices": "Only the Event Description fields take a list of choices."})

    def choice_list(self):
        return choice_list(self.choices)


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
