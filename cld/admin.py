from django.contrib import admin

from cld.models import CldConditionalRule


@admin.register(CldConditionalRule)
class CldConditionalRuleAdmin(admin.ModelAdmin):
    """National rules that hide or require a CLD field when another field holds a value, on every form type."""

    list_display = ("__str__", "source")
    list_select_related = ("when_value",)
