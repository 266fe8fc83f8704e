from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


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
