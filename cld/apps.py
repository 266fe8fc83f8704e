from django.apps import AppConfig


class CldConfig(AppConfig):
    name = "cld"
    verbose_name = "Client Level Data"
