import pytest

from tests.arbitration.helpers import make_world


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    return make_world(django_capture_on_commit_callbacks)


@pytest.fixture
def big_world(db, django_capture_on_commit_callbacks):
    """A claim above the expedited threshold: the ordinary procedure, three arbitrators."""
    from decimal import Decimal

    return make_world(django_capture_on_commit_callbacks, amount=Decimal("8000000"))
