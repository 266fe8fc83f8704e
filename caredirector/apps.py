from django.contrib.admin.apps import AdminConfig


class CareAdminConfig(AdminConfig):
    """Django admin, on a site that answers a signed-in user without admin rights with 403."""

    default_site = "caredirector.admin.CareAdminSite"
