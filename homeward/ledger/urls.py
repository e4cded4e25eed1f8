from django.urls import path

from . import views, witnessing

app_name = "ledger"
urlpatterns = [
    path("", views.home, name="home"),
    # Witnessing (public, plain text): see witnessing.py.
    path("checkpoint", witnessing.checkpoint, name="witness-checkpoint"),
    path("consistency", witnessing.consistency, name="witness-consistency"),
    path("cosignature", witnessing.cosignature, name="witness-cosignature"),
]
