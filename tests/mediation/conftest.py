import pytest

from tests.mediation.helpers import make_world


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    return make_world(django_capture_on_commit_callbacks)
