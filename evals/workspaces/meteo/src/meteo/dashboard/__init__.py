"""The station dashboard: tdom-style widgets, svcs-style services, middleware and routes.

Some of it breaks the conventions on purpose so that punie's validators have something to find;
punie lists each deliberate violation in evals/workspaces/meteo/FACTS.md.
"""
