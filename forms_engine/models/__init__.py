"""forms_engine's models: form types and their versions (form_types), forms (form), the tallies triggers keep."""

from forms_engine.models.form import (
    CLD_CODE_FIELDS,
    OPEN_STATUSES,
    RETURNED,
    CldQualityFlag,
    Form,
    FormQuerySet,
    FormStatus,
    PrintRecord,
    can_sign_off,
    cld_column,
    is_returned,
    reference_expression,
    reference_for,
)
from forms_engine.models.form_types import (
    CHOICE_KINDS,
    FormType,
    FormTypeVersion,
    Question,
    QuestionKind,
    Section,
    choice_list,
)
from forms_engine.models.tallies import AwaitingByDay, AwaitingByOwner, MyFormsTally

__all__ = [
    "CHOICE_KINDS",
    "CLD_CODE_FIELDS",
    "OPEN_STATUSES",
    "RETURNED",
    "AwaitingByDay",
    "AwaitingByOwner",
    "CldQualityFlag",
    "Form",
    "FormQuerySet",
    "FormStatus",
    "FormType",
    "FormTypeVersion",
    "MyFormsTally",
    "PrintRecord",
    "Question",
    "QuestionKind",
    "Section",
    "can_sign_off",
    "choice_list",
    "cld_column",
    "is_returned",
    "reference_expression",
    "reference_for",
]
