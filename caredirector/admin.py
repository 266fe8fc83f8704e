from functools import wraps

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.utils.decorators import method_decorator
from simple_history.admin import SimpleHistoryAdmin


class CareAdminSite(admin.AdminSite):
    site_header = "Case recording administration"
    site_title = "Case recording admin"
    index_title = "Form types, code lists, people and users"

    def admin_view(self, view, cacheable=False):
        """Send anonymous users to the one login page, and refuse signed-in users without admin rights with 403."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied("You do not have access to administration.")
            return inner(request, *args, **kwargs)

        return guarded

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """Use the app's own sign-in page instead of a second one for the admin."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied("You do not have access to administration.")
        return redirect_to_login(request.GET.get("next", request.get_full_path()))


class EvidenceHistoryAdmin(SimpleHistoryAdmin):
    """Shows a record's history; never changes a record from its history pages, so history stays evidence."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("History cannot be used to change a record.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class LabelledFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.setdefault("aria-label", "Delete")


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose every control has a name (WCAG 4.1.2; axe: label, select-name): Django's tabular inline
    shows the field's label only once, in the column header, which is not tied to the controls beneath it."""

    template = "admin/edit_inline/tabular_labelled.html"
    formset = LabelledFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return field
