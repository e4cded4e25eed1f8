from django.urls import path

from . import views

app_name = "exchanges"
urlpatterns = [
    path("", views.negotiations, name="negotiations"),
    path("reports/", views.reports, name="reports"),
    path("negotiations/<uuid:uuid>/", views.negotiation, name="negotiation"),
    path("versions/<uuid:uuid>/", views.version, name="version"),
    path("versions/<uuid:a>/diff/<uuid:b>/", views.diff, name="diff"),
    path("persons/<uuid:uuid>/history/", views.person_history, name="person_history"),
    path("exchanges/<uuid:uuid>/", views.exchange, name="exchange"),
    path("plans/<uuid:uuid>/", views.plan, name="plan"),
]
