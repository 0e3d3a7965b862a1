"""The shop's web layer: tdom-style components, svcs-style services, middleware and routes.

Some of this code breaks the conventions on purpose, so that punie's domain validators have
something to find. docs/validators.md in punie lists every deliberate violation.
"""
