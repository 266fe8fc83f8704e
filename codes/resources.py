"""The code lists as CSV (django-import-export): one row per value, with its list, its release validity and, for a
Release 1 value, the Release 2 value it maps to. A data team exports a list from the admin, corrects it against the
national workbook, and imports it back, seeing every change before it is applied."""

from import_export import fields, resources, widgets

from codes.models import CodeList, CodeValue


class SameListWidget(widgets.ForeignKeyWidget):
    """The Release 2 value a value maps to, named by its label within the row's own list."""

    def get_queryset(self, value, row, *args, **kwargs):
        return CodeValue.objects.filter(code_list__key=row["list"], in_release_2=True)


class CodeValueResource(resources.ModelResource):
    code_list = fields.Field(
        attribute="code_list", column_name="list", widget=widgets.ForeignKeyWidget(CodeList, field="key")
    )
    replaced_by = fields.Field(
        attribute="replaced_by", column_name="maps_to_release_2", widget=SameListWidget(CodeValue, field="label")
    )

    class Meta:
        model = CodeValue
        fields = (
            "code_list",
            "label",
            "order",
            "in_release_1",
            "in_release_2",
            "replaced_by",
            "selectable",
            "help_text",
        )
        export_order = fields
        import_id_fields = ("code_list", "label")  # a value is its label within its list
        clean_model_instances = True  # the model's own checks: a mapping must name a Release 2 value of the same list
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("code_list", "replaced_by")
