from django.urls import path

from . import views

app_name = "reconcile"
urlpatterns = [
    path("", views.lists, name="lists"),
    path("lists/<uuid:uuid>/", views.published_list, name="list"),
    path("lists/<uuid:uuid>/compare/", views.compare, name="compare"),
    path("runs/<uuid:uuid>/", views.run, name="run"),
    path("runs/<uuid:uuid>/review/", views.review, name="review"),
    path("runs/<uuid:uuid>/figures/<str:key>/", views.figure, name="figure"),
    path("runs/<uuid:uuid>/export.<str:fmt>", views.export, name="export"),
]
