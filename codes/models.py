"""The national defined lists of Client Level Data (gender, ethnicity, event outcome...) as data, and the fields that
point at them. The ground floor of the domain: people (cases), forms (forms_engine) and the CLD block (cld) use them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

YES_NO = [("Yes", "Yes"), ("No", "No")]


def code_value_field(list_key, verbose_name, *, required=True, help_text="", editable=True):
    """Return a foreign key to a value of one defined list, which an administrator can extend."""
    return models.ForeignKey(
        "codes.CodeValue",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": list_key},
        verbose_name=verbose_name,
        null=not required,
        blank=not required,
        help_text=help_text,
        editable=editable,
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
    source = models.TextField(blank=True, help_text="Where the values and their labels come from.")
    confirmed = models.BooleanField(
        "confirmed against the national workbook",
        default=False,
        help_text="Tick once every value, label and Release 1 to 2 mapping has been checked against the national "
        "CLD specification workbook. The CLD Extract page lists the lists not yet confirmed.",
    )

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

    def valid_in(self, release):
        return self.in_release_2 if release == 2 else self.in_release_1
