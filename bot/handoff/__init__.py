"""Human handoff: routing to a contact team, caseworker accounts, and (later) the inbox."""
