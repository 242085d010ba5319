"""REST API v1: shared pieces (auth, errors, pagination, scoped viewsets) and the URL map.

Each domain app keeps its own endpoints in `portal/<app>/api/` and registers them on the router
in `portal/api/urls.py`. See `portal/api/README.md` for the pattern.
"""
