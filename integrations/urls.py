from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("<str:kind>/<str:token>", views.hook, name="hook"),
]
