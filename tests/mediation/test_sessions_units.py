"""Pure parts of the live sessions: the token bucket, the message hash, the blind-bid rule."""

from decimal import Decimal

import pytest

from mediation.models import SessionRoom
from mediation.sessions.negotiation import blind_bid_outcome
from mediation.sessions.ratelimit import TokenBucket


def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.retry_after() == 0.5
    now[0] = 0.5
    assert bucket.take() and not bucket.take()



@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
def test_message_hash_is_over_the_documented_canonical_json(django_capture_on_commit_callbacks):
    import hashlib
    import json

    from mediation.sessions import rooms
    from tests.mediation.sessions_support import build_session_world

    w = build_session_world(django_capture_on_commit_callbacks)
    room = SessionRoom.objects.create(mediation=w["mediation"], kind="joint")
    message, _ = rooms.post_text(room=room, author=w["claimant"], client_id="x", text="你好")
    canonical = json.dumps({"case": str(w["case"].ref), "room": "joint", "seq": 1, "author": w["claimant"].pk,
                            "kind": "text", "body": {"text": "你好"},
                            "at": message.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert message.sha256 == hashlib.sha256(canonical.encode()).hexdigest()




@pytest.mark.parametrize(("ask", "offer", "gap", "expected"), [
    ("80000", "100000", "0", "90000.00"),     # the figures overlap
    ("100000", "100000", "0", "100000.00"),   # they meet
    ("105000", "100000", "5000", "102500.00"),  # within the gap
    ("105001", "100000", "5000", None),       # just outside
    ("100000.01", "100000", "0", None),
    ("1.01", "1.00", "0.01", "1.01"),         # the midpoint is rounded half up to the cent
])
def test_blind_bid_rule(ask, offer, gap, expected):
    result = blind_bid_outcome(ask=Decimal(ask), offer=Decimal(offer), gap=Decimal(gap))
    assert result == (Decimal(expected) if expected else None)
