from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from caredirector.admin import LabelledTabularInline
from codes.models import CodeList, CodeValue
from codes.resources import CodeValueResource


class CodeValueInline(LabelledTabularInline):
    model = CodeValue
    fk_name = "code_list"
    fields = ("label", "order", "in_release_1", "in_release_2", "replaced_by", "selectable", "help_text")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "replaced_by" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = CodeValue.objects.filter(
                code_list_id=request.resolver_match.kwargs["object_id"], in_release_2=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CodeList)
class CodeListAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "confirmed")
    list_filter = ("confirmed",)
    search_fields = ("name", "key")
    fields = ("key", "name", "description", "source", "confirmed")
    inlines = [CodeValueInline]


@admin.register(CodeValue)
class CodeValueAdmin(ImportExportModelAdmin):
    """Every value of every list; filter by list, then Export it as CSV, or Import a corrected CSV (with a preview of
    what it changes)."""

    resource_classes = [CodeValueResource]
    list_display = ("label", "code_list", "order", "in_release_1", "in_release_2", "replaced_by", "selectable")
    list_filter = ("code_list", "in_release_1", "in_release_2", "selectable")
    list_select_related = ("code_list", "replaced_by")
    search_fields = ("label",)
    ordering = ("code_list__name", "order", "label")
