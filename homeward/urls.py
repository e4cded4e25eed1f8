from django.urls import include, path

from homeward.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("homeward.ledger.urls")),
    path("exchanges/", include("homeward.exchanges.urls")),
    path("claims/", include("homeward.claims.urls")),
    path("tracing/", include("homeward.tracing.urls")),
    path("reconcile/", include("homeward.reconcile.urls")),
    path("", include("homeward.web.urls")),
]
