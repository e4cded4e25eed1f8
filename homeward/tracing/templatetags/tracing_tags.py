from django import template

from homeward.tracing.access import pending_count as _pending_count

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_count(context) -> int | None:
    """Candidates waiting for review, for the navigation (one COUNT on an index)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    waiting = getattr(request, "tracing_waiting", None)  # the queue page counted it already
    return waiting if waiting is not None else _pending_count(user)
