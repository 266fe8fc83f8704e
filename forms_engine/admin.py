from django.contrib import admin

from caredirector.admin import EvidenceHistoryAdmin, LabelledTabularInline, ReadOnlyAdminMixin
from forms_engine.blocks import all_blocks
from forms_engine.models import Form, FormType, FormTypeVersion, Question, Section


class SectionInline(LabelledTabularInline):
    model = Section
    fields = ("order", "title", "office_use_only", "left_out_of_print")
    extra = 0


class QuestionInline(admin.StackedInline):
    model = Question
    fk_name = "form_type"
    fields = (("section", "order"), "label", "help_text", ("kind", "required"), "choices")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(form_type_id=object_id) if object_id else Section.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FormType)
class FormTypeAdmin(admin.ModelAdmin):
    """Design a whole form type on one screen: flags, sections, then the questions of each section."""

    list_display = ("name", "code", "active", "requires_sign_off", "multiple_open_allowed", "has_cld_section")
    list_filter = ("active", "requires_sign_off", "has_cld_section")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    fieldsets = [
        (None, {"fields": ("name", "code", "active", "description")}),
        (
            "Rules",
            {
                "fields": (
                    "requires_sign_off",
                    "multiple_open_allowed",
                    "self_sign_off_allowed",
                    "has_cld_section",
                )
            },
        ),
    ]

    def get_inlines(self, request, obj):
        # Questions belong to sections, so sections are saved first: add questions once the type has sections. The
        # blocks a type may carry (the CLD block) add the inlines of their own rules.
        if obj is None:
            return [SectionInline]
        return [SectionInline, QuestionInline, *(inline for block in all_blocks() for inline in block.admin_inlines)]


@admin.register(FormTypeVersion)
class FormTypeVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Frozen definitions: read-only, because forms depend on them."""

    list_display = ("form_type", "number", "created_at")
    list_filter = ("form_type",)
    readonly_fields = ("form_type", "number", "definition", "digest", "created_at")


@admin.register(Form)
class FormAdmin(ReadOnlyAdminMixin, EvidenceHistoryAdmin):
    """Forms are recorded on cases, not in the admin: here they can only be looked at."""

    list_display = ("reference", "form_type", "case", "status", "responsible_user", "start_date")
    list_filter = ("status", "form_type")
    list_select_related = ("form_type", "case", "responsible_user")
    search_fields = ("case__case_number",)
