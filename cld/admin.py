from django.contrib import admin

from caredirector.admin import LabelledTabularInline
from cld.models import CldConditionalRule, CldFieldRule


class CldFieldRuleInline(LabelledTabularInline):
    """Which Client Level Data fields a form type shows and requires, per Event Type (blank: any Event Type); shown on
    the form type's admin page (forms_engine.admin, through cld.block.CldBlock)."""

    model = CldFieldRule
    fields = ("event_type", "field", "shown", "required", "default_value", "choices")
    extra = 0
    verbose_name = "Client Level Data rule"
    verbose_name_plural = "Client Level Data rules (fields shown and required, per Event Type)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event_type", "default_value")


@admin.register(CldConditionalRule)
class CldConditionalRuleAdmin(admin.ModelAdmin):
    """National rules that hide or require a CLD field when another field holds a value, on every form type."""

    list_display = ("__str__", "source")
    list_select_related = ("when_value",)
