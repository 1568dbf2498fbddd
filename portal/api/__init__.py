"""The REST API for e-commerce platforms and courts (docs/api.md).

Organisations authenticate with their API tokens (authentication.py); a
token's scopes follow from its organisation's kind (permissions.py). Requests
act as the organisation's API account (services.api_account): it files the
cases, is the actor on the timeline and in the custody log, and, for a court,
is a clerk of that court. Views are thin; the work is in services.py and in
the portal, mediation and notary services they call.
"""
