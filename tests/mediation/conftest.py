import pytest

from tests.mediation.helpers import make_world


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    return make_world(django_capture_on_commit_callbacks)


# --- live sessions (tests/mediation/test_sessions*.py, sessions_support.py) --------------------------

@pytest.fixture
def session_world(transactional_db, django_capture_on_commit_callbacks):
    """A mediation in progress with everyone who might knock on a room's door (sessions_support.py)."""
    from tests.mediation.sessions_support import build_session_world

    return build_session_world(django_capture_on_commit_callbacks)
