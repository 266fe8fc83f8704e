from django.contrib import admin

from caredirector.admin import EvidenceHistoryAdmin
from cases.models import Case, Person, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(Person)
class PersonAdmin(EvidenceHistoryAdmin):
    list_display = ("la_person_id", "family_name", "given_name", "date_of_birth", "nhs_number_display", "postcode")
    search_fields = ("la_person_id", "family_name", "given_name", "nhs_number")
    list_select_related = True


@admin.register(Case)
class CaseAdmin(EvidenceHistoryAdmin):
    list_display = ("case_number", "person", "status", "start_date", "responsible_team", "responsible_user")
    list_filter = ("status", "responsible_team")
    search_fields = ("case_number", "person__family_name", "person__nhs_number")
    list_select_related = ("person", "responsible_team", "responsible_user")
    autocomplete_fields = ("person",)
    readonly_fields = ("case_number",)
