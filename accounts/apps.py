from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self):
        from accounts import middleware  # noqa: F401  (registers the sign-in receiver that marks sessions fresh)
