from django.urls import path

from .views import admin, auth, dashboard, imports, persons

app_name = "web"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("tokens/", auth.tokens, name="tokens"),
    path("persons/", persons.person_list, name="persons"),
    path("persons/export/", persons.person_export, name="persons_export"),
    path("persons/<uuid:uuid>/", persons.person_detail, name="person"),
    path("notify/", persons.notify, name="notify"),
    path("sources/", persons.sources, name="sources"),
    path("sources/<uuid:uuid>/", persons.source_detail, name="source"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<uuid:uuid>/", imports.import_detail, name="import"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:name>.<slug:fmt>", dashboard.chart_file, name="chart_file"),
    path("figures/", dashboard.figures, name="figures"),
    path("figures/<uuid:uuid>/", dashboard.figures_release, name="figures_release"),
    path("users/", admin.users, name="users"),
]
