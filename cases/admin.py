from django.contrib import admin
from django.db.models import Count

from caredirector.admin import EvidenceHistoryAdmin, LabelledTabularInline, ReadOnlyAdminMixin
from cases.models import AccessLogPruning, BreakGlass, Case, Person, RecordAccess, Team, TeamDeputy


class TeamDeputyInline(LabelledTabularInline):
    """A team's deputies and their periods, to see: its managers name and end them in the app (My teams and
    deputies), where cases.teams checks the rules."""

    model = TeamDeputy
    fields = ("deputy", "starts_on", "ends_on", "named_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """A team, its members (whose forms its managers sign off) and its managers."""

    list_display = ("name", "manager_names", "member_count")
    search_fields = ("name",)
    filter_horizontal = ("members", "managers")
    inlines = [TeamDeputyInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("managers")
        return queryset.annotate(members_count=Count("members", distinct=True))

    @admin.display(description="managers")
    def manager_names(self, team):
        return ", ".join(str(manager) for manager in team.managers.all())

    @admin.display(description="members", ordering="members_count")
    def member_count(self, team):
        return team.members_count


@admin.register(Person)
class PersonAdmin(EvidenceHistoryAdmin):
    list_display = ("la_person_id", "family_name", "given_name", "date_of_birth", "nhs_number_display", "postcode")
    search_fields = ("la_person_id", "family_name", "given_name", "nhs_number")
    list_select_related = True
    list_filter = ("restricted",)


@admin.register(Case)
class CaseAdmin(EvidenceHistoryAdmin):
    list_display = ("case_number", "person", "status", "start_date", "responsible_team", "responsible_user")
    list_filter = ("status", "responsible_team")
    search_fields = ("case_number", "person__family_name", "person__nhs_number")
    list_select_related = ("person", "responsible_team", "responsible_user")
    autocomplete_fields = ("person",)
    readonly_fields = ("case_number",)


@admin.register(RecordAccess)
class RecordAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access log, read-only: append-only in the model, its queryset and (PostgreSQL) a trigger."""

    list_display = ["at", "kind", "person_id", "case_id", "object_id", "user_id", "address"]
    list_filter = ["kind"]
    date_hierarchy = "at"
    search_fields = ["=person__id", "=user__id"]
    show_full_result_count = False  # the log holds millions of rows: no count of them all a page
    ordering = ["-at", "-id"]


@admin.register(AccessLogPruning)
class AccessLogPruningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "removed", "removed_before", "retention_days"]


@admin.register(BreakGlass)
class BreakGlassAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Breaks of the glass, read-only: recorded by cases.access.break_glass alone."""

    list_display = ["at", "user", "person", "reason", "address"]
    list_select_related = ["user", "person"]
    date_hierarchy = "at"
    show_full_result_count = False
    ordering = ["-at", "-id"]
