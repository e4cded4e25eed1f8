from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts.access import request_user, require_role
from homeward.accounts.models import Role
from homeward.web.views.common import page_view

from . import store
from .models import Checkpoint, Entry, Head, PartyKey, Verification

# Verification reads the whole log; up to this size it runs in the request, beyond it the worker
# runs it and the page shows the result when it is there.
INLINE_VERIFY = 50_000


@page_view
def home(request):
    """The auditor's page: the log growing, its checkpoints, the last verification."""
    user = request_user(request)
    require_role(user, Role.AUDITOR, Role.CASEWORKER, Role.ADMIN)
    if request.method == "POST":
        head = Head.objects.filter(id=1).first()
        if (head.size if head else 0) + store.pending_count() <= INLINE_VERIFY:
            from .verify import verify_database

            try:
                store.publish_checkpoint_if_grown()
            except (store.RefusedToSign, store.PastTheHead):
                pass  # verify_database names the same fault
            report = verify_database(record=True, requested_by=user)
            (messages.success if report.ok else messages.error)(
                request,
                _("Verified: %(n)s entries, %(c)s checkpoints.")
                % {"n": report.entries, "c": report.checkpoints}
                if report.ok
                else _("Verification FAILED: %(p)s") % {"p": report.problem},
            )
        else:
            Verification.objects.create(requested_by=user)
            messages.info(
                request, _("Verification queued: the worker runs it; this page shows the result.")
            )
        return redirect("ledger:home")
    head = Head.objects.filter(id=1).first()
    checkpoints = list(Checkpoint.objects.order_by("-size")[:20])
    # Entries committed but not numbered yet count: the log has them, the tree has them soon.
    size = (head.size if head else 0) + store.pending_count()
    return render(
        request,
        "ledger/home.html",
        {
            "size": size,
            "sealed": head.sealed if head else 0,
            "checkpoints": checkpoints,
            "growth": list(reversed([(c.created_at, c.size) for c in checkpoints])),
            "verifications": Verification.objects.select_related("requested_by").order_by(
                "-requested_at"
            )[:10],
            "verifier_key": store.verifier_key_text(),
            "party_keys": PartyKey.objects.select_related("party").order_by(
                "party__code", "-registered_at"
            ),
            "recent": Entry.objects.select_related("party").order_by(
                F("seq").desc(nulls_first=True), "-id"
            )[:30],
        },
    )
