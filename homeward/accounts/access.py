"""The access helpers every read of personal data goes through (one import for callers).

request_user, require_role, record_access, record_list_access, who_saw, can_see_access_log
    accounts/guards.py: who asks, what the role may do, and the access log
person_scope, access_persons, access_person, can_see_person, visible_note_parties
    registry/access.py: the person policy, kept with persons (issue 15)
"""

from __future__ import annotations

from homeward.registry.access import (
    access_person,
    access_persons,
    can_see_person,
    person_scope,
    visible_note_parties,
)

from .guards import (
    can_see_access_log,
    record_access,
    record_list_access,
    request_user,
    require_role,
    who_saw,
)

__all__ = [
    "access_person",
    "access_persons",
    "can_see_access_log",
    "can_see_person",
    "person_scope",
    "record_access",
    "record_list_access",
    "request_user",
    "require_role",
    "visible_note_parties",
    "who_saw",
]
