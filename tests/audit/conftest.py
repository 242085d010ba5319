from tests.api.conftest import api_for  # noqa: F401 - a fixture for the API calls here
