"""Form types as administrators design them (sections, questions, flags) and the frozen versions forms keep."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from codes.models import code_value_field


def choice_list(text):
    """The choices of a question or rule typed one per line, blank lines and surrounding spaces dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


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
    cld_client_type = code_value_field(
        "client_type",
        "Client Type of its events",
        required=False,
        help_text=(
            "For a form about an unpaid carer: the Client Type the CLD extract writes for every event recorded on it, "
            "whatever the person record says. Leave blank to write the person's."
        ),
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

    def missing_answers(self, answers):
        """The questions required to complete that `answers` (stored answers, by question id) leave unanswered."""
        return [
            question for question in self.questions() if question["required"] and not answers.get(str(question["id"]))
        ]
