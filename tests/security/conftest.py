from tests.api.conftest import api_for  # noqa: F401  (API clients with real tokens)
