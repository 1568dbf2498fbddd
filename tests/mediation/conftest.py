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


@pytest.fixture
def fresh_channel_layer():
    """A new in-memory channel layer per test: no queue bound to an old event loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
