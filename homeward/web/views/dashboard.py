from django.shortcuts import render

from homeward.stats.selectors import SMALL_COUNT, status_by_party

from .common import page_view


@page_view
def dashboard(request):
    return render(
        request,
        "web/dashboard.html",
        {"table": status_by_party(request.user), "small": SMALL_COUNT},
    )
