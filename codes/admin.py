from django.contrib import admin

from codes.models import CodeList, CodeValue


class CodeValueInline(admin.TabularInline):
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
    list_display = ("name", "key")
    search_fields = ("name", "key")
    inlines = [CodeValueInline]
