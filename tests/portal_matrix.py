"""The partner portal's rows of the permission matrix (merged into tests/test_permissions.MATRIX):
meeting requests, contact changes, deliberations, the inbox and the profile.

"…_a" objects are partner A's: partner B gets 404 where a partner may reach the view at all.
"""

LOGIN = 302
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
PARTNERS_ONLY = (LOGIN, 403, 403, 200, 200, 403)
RECORDERS_ONLY = (LOGIN, 403, 200, 403, 403, 200)
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
POST_MANAGERS = (LOGIN, 302, 403, 403, 403, 302)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)

PORTAL_MATRIX = {
    "governance:meeting_request_list": ("get", None, SIGNED_IN),
    "governance:meeting_request_create": ("get", None, PARTNERS_ONLY),
    "governance:meeting_request_schedule": ("get", "portal_meeting_request_a", RECORDERS_ONLY),
    "governance:meeting_request_answer": ("get", "portal_meeting_request_a", RECORDERS_ONLY),
    "partners:contact_change_list": ("get", None, SIGNED_IN),
    "partners:contact_change_create": ("get", None, PARTNERS_ONLY),
    "partners:contact_change_validate": ("post", "portal_contact_change_a", POST_MANAGERS),
    "partners:contact_change_reject": ("get", "portal_contact_change_a", MANAGERS_ONLY),
    "membership:deliberation_list": ("get", None, STAFF_ONLY),
    # Both A and B are parties to the amendment: each uploads its own deliberation.
    "membership:deliberation_submit": ("get", "portal_amendment", PARTNERS_ONLY),
    "membership:deliberation_record": ("get", "portal_deliberation_a", MANAGERS_ONLY),
    "membership:deliberation_reject": ("get", "portal_deliberation_a", MANAGERS_ONLY),
    "membership:deliberation_pdf": ("get", "portal_deliberation_a", OWN_TO_A),
    "membership:inbox": ("get", None, PARTNERS_ONLY),
    "accounts:my_profile": ("get", None, PARTNERS_ONLY),
}

#: The same URLs posted an empty form: refused by role (403) or scope (404) before any write;
#: a role allowed gets its form back with the errors (200), an action its redirect (302).
PORTAL_POST_MATRIX = {
    "governance:meeting_request_create": (None, PARTNERS_ONLY),
    "governance:meeting_request_schedule": ("portal_meeting_request_a", RECORDERS_ONLY),
    "governance:meeting_request_answer": ("portal_meeting_request_a", RECORDERS_ONLY),
    "partners:contact_change_create": (None, PARTNERS_ONLY),
    "partners:contact_change_validate": ("portal_contact_change_a", POST_MANAGERS),
    "partners:contact_change_reject": ("portal_contact_change_a", MANAGERS_ONLY),
    "membership:deliberation_submit": ("portal_amendment", PARTNERS_ONLY),
    "membership:deliberation_record": ("portal_deliberation_a", POST_MANAGERS),
    "membership:deliberation_reject": ("portal_deliberation_a", MANAGERS_ONLY),
    # Unchecked, the box turns the digest off: a redirect for whoever may use the page.
    "accounts:my_profile": (None, (LOGIN, 403, 403, 302, 302, 403)),
}
