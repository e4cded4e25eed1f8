from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.figures, name="figures"),
    path("reports/", views.reports, name="reports"),
    path("reports/<uuid:uuid>/", views.report, name="report"),
    path("claims/<uuid:uuid>/", views.decide, name="decide"),
    path("populations/<str:key>/", views.population, name="population"),
]
