from functools import wraps

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
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


class ReadOnlyAdminMixin:
    """Records that may be looked at in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceHistoryAdmin(SimpleHistoryAdmin):
    """Shows a record's history; never changes a record from its history pages, so history stays evidence."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("History cannot be used to change a record.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class LabelledFormSet(BaseInlineFormSet):
    """Names each control of a tabular inline's rows by its column and row ("Label, row 2"): Django's tabular inline
    shows the field's label only once, in the column header, which is not tied to the controls beneath it (WCAG
    4.1.2; axe: label, select-name)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f"row {index + 1}" if index is not None else "new row"
        for field in form.fields.values():
            # a related field's wrapper renders the widget it wraps (its own copy, on each form)
            widget = field.widget.widget if isinstance(field.widget, RelatedFieldWidgetWrapper) else field.widget
            widget.attrs["aria-label"] = f"{field.label}, {row}"


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose every control has a name, and whose first column has a header."""

    template = "admin/edit_inline/tabular_labelled.html"
    formset = LabelledFormSet
