from tests.submissions.conftest import private_files, set_homework  # noqa: F401 - fixtures
