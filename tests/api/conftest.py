import pytest

from portal.models import Court, Organisation
from tests.api.helpers import ApiClient, connect
from tests.factories import CourtFactory


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate-limit counters start at zero in every test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def platform(db):
    return connect(kind=Organisation.Kind.PLATFORM, name="某电商平台")


@pytest.fixture
def other_platform(db):
    return connect(kind=Organisation.Kind.PLATFORM, name="另一电商平台")


@pytest.fixture
def court(db):
    return CourtFactory(name="杭州市西湖区人民法院", region_code="330106", level=Court.Level.BASIC)


@pytest.fixture
def court_org(court):
    return connect(kind=Organisation.Kind.COURT, name=court.name, court=court)


@pytest.fixture
def platform_api(client, platform):
    return ApiClient(client, platform.secret)


@pytest.fixture
def court_api(client, court_org):
    return ApiClient(client, court_org.secret)


@pytest.fixture
def applied(court, django_capture_on_commit_callbacks, settings):
    """A signed settlement agreement whose parties jointly applied to `court`
    for judicial confirmation (the mediation test helpers)."""
    from mediation import agreements, confirmation
    from mediation.models import JudicialConfirmation, Mediation
    from tests.mediation.helpers import TERMS, make_world, set_password, started

    settings.PORTAL_CENTRE_REGION_CODE = court.region_code
    world = make_world(django_capture_on_commit_callbacks)
    mediation = started(world)
    version = agreements.draft_version(mediation=mediation, by=world["mediator"], terms=TERMS)
    for who in ("claimant", "respondent"):
        agreements.sign(version=version, by=world[who], password=set_password(world[who]))
    for who in ("claimant", "respondent"):
        confirmation.sign_application(mediation=Mediation.objects.get(pk=mediation.pk), by=world[who], court=court,
                                      password="sign-pass-1")
    world["court"] = court
    world["mediation"] = Mediation.objects.get(pk=mediation.pk)
    world["application"] = JudicialConfirmation.objects.get(mediation=mediation)
    return world
