from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import admin, auth, dashboard, imports, persons

app_name = "web"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("tokens/", auth.tokens, name="tokens"),
    path("account/password/", auth.change_password, name="password_change"),
    path("account/two-factor/", auth.two_factor, name="two_factor"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="web/password_reset.html",
            email_template_name="web/password_reset_email.txt",
            subject_template_name="web/password_reset_subject.txt",
            success_url=reverse_lazy("web:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html",
            success_url=reverse_lazy("web:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
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
