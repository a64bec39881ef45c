from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    default_auto_field = "django.db.models.BigAutoField"
