"""Negotiation in the joint room: structured offers, and double-blind bidding.

Offers are public to the joint room: a party proposes an amount (what the
respondent pays the claimant) and terms; the other side accepts, rejects or
counters. The accepted offer pre-fills the settlement agreement
(`accepted_offer_terms`).

Double-blind bidding is confidential: each side gives the platform one figure
that the other side never sees — not in a frame, a message, a transcript or
an error. The room learns only that a side has submitted, and then either the
proposed midpoint or "no deal yet".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mediation.models import BlindBid, Mediation, Offer, RoomMessage, SessionRoom
from mediation.sessions.access import PARTY, Access
from mediation.sessions.rooms import (
    SessionError,
    append_message,
    clean_client_id,
    joint_room,
    require_live,
    require_mediator,
    system_message,
)

MAX_TERMS_CHARS = 2000
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


def clean_amount(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """An amount in CNY from a frame: a string ("12000.50") or a number, two decimals at most."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SessionError("invalid", f"{field} must be an amount such as \"12000.50\".")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise SessionError("invalid", f"{field} must be an amount such as \"12000.50\".") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2 or amount > MAX_AMOUNT \
            or amount < 0 or (amount == 0 and not allow_zero):
        raise SessionError("invalid", f"{field} must be a positive amount with at most two decimals.")
    return amount.quantize(CENT)


def clean_terms(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_TERMS_CHARS:
        raise SessionError("invalid", f"terms must be text of at most {MAX_TERMS_CHARS} characters.")
    return value.strip()


def _offer_body(offer: Offer, action: str) -> dict:
    return {"action": action, "offer": offer.pk, "side": offer.side, "amount": str(offer.amount),
            "terms": offer.terms, "parent": offer.parent_id, "status": offer.status}


def _require_party(access: Access) -> str:
    if access.role != PARTY or not access.side:
        raise SessionError("forbidden", "Only a party (or its agent) may do this.")
    return access.side


def _require_joint(room: SessionRoom) -> None:
    if room.kind != SessionRoom.Kind.JOINT:
        raise SessionError("wrong_room", "Offers are made in the joint room.")


def make_offer(*, room: SessionRoom, by, access: Access, client_id, amount, terms=None) -> tuple[RoomMessage, bool]:
    """A party proposes a settlement: amount and terms, posted in the joint room."""
    _require_joint(room)
    side = _require_party(access)
    client_id, amount, terms = clean_client_id(client_id), clean_amount(amount), clean_terms(terms)

    def body(locked: SessionRoom) -> dict:
        offer = Offer.objects.create(mediation=locked.mediation, side=side, amount=amount, terms=terms, made_by=by)
        return _offer_body(offer, "propose")

    return append_message(room=room, author=by, client_id=client_id, kind=RoomMessage.Kind.OFFER, make_body=body)


ANSWERS = {"accept": Offer.Status.ACCEPTED, "reject": Offer.Status.REJECTED, "counter": Offer.Status.COUNTERED}


def answer_offer(*, room: SessionRoom, by, access: Access, client_id, offer_id, action, amount=None,
                 terms=None) -> tuple[RoomMessage, bool]:
    """The other side accepts, rejects or counters a proposed offer (a counter
    is a new offer from the answering side, its parent the one countered)."""
    _require_joint(room)
    side = _require_party(access)
    client_id = clean_client_id(client_id)
    if action not in ANSWERS:
        raise SessionError("invalid", "action must be accept, reject or counter.")
    if isinstance(offer_id, bool) or not isinstance(offer_id, int):
        raise SessionError("invalid", "offer must be an offer id.")
    if action == "counter":
        amount, terms = clean_amount(amount), clean_terms(terms)

    def body(locked: SessionRoom) -> dict:
        offer = Offer.objects.select_for_update().filter(pk=offer_id, mediation=locked.mediation).first()
        if offer is None:
            raise SessionError("not_found", "No such offer.")
        if offer.side == side:
            raise SessionError("forbidden", "An offer is answered by the other side.")
        if offer.status != Offer.Status.PROPOSED:
            raise SessionError("conflict", "This offer has already been answered.")
        offer.status, offer.answered_by, offer.answered_at = ANSWERS[action], by, timezone.now()
        offer.save(update_fields=["status", "answered_by", "answered_at"])
        if action == "counter":
            counter = Offer.objects.create(mediation=locked.mediation, side=side, amount=amount, terms=terms,
                                           parent=offer, made_by=by)
            return _offer_body(counter, "counter")
        return _offer_body(offer, action)

    return append_message(room=room, author=by, client_id=client_id, kind=RoomMessage.Kind.OFFER, make_body=body)


def accepted_offer_terms(mediation: Mediation) -> dict | None:
    """Initial data for the settlement agreement form (mediation.forms.AgreementTermsForm)
    from the last accepted offer, or None if no offer was accepted."""
    offer = mediation.offers.filter(status=Offer.Status.ACCEPTED).order_by("-answered_at", "-id").first()
    if offer is None:
        return None
    return {"payment_amount": offer.amount, "other": offer.terms}


# --- double-blind bidding -------------------------------------------------------------------------

def configure_blind_bid(*, mediation: Mediation, by, gap) -> BlindBid:
    """The mediator opens a round with a gap; an open round is replaced."""
    require_mediator(mediation, by)
    require_live(mediation)
    gap = clean_amount(gap, field="gap", allow_zero=True)
    with transaction.atomic():
        Mediation.objects.select_for_update().get(pk=mediation.pk)
        BlindBid.objects.filter(mediation=mediation, status=BlindBid.Status.OPEN).update(
            status=BlindBid.Status.CANCELLED, decided_at=timezone.now())
        number = (BlindBid.objects.filter(mediation=mediation).aggregate(n=Max("round"))["n"] or 0) + 1
        bid = BlindBid.objects.create(mediation=mediation, round=number, gap=gap, configured_by=by)
        system_message(room=joint_room(mediation), actor=by, event="blind_bid.opened", round=number, gap=str(gap))
    return bid


def blind_bid_outcome(*, ask: Decimal, offer: Decimal, gap: Decimal) -> Decimal | None:
    """The midpoint if the claimant's ask is at most the respondent's offer, or
    within the gap of it; otherwise None (no deal yet)."""
    if ask <= offer or ask - offer <= gap:
        return ((ask + offer) / 2).quantize(CENT, rounding=ROUND_HALF_UP)
    return None


def submit_blind_figure(*, mediation: Mediation, by, access: Access, amount) -> int:
    """A side's confidential figure for the open round (once per round).
    Returns the round number and nothing else."""
    side = _require_party(access)
    require_live(mediation)
    amount = clean_amount(amount)
    with transaction.atomic():
        bid = BlindBid.objects.select_for_update().filter(mediation=mediation, status=BlindBid.Status.OPEN).first()
        if bid is None:
            raise SessionError("not_found", "No blind-bidding round is open.")
        if getattr(bid, f"{side}_figure") is not None:
            raise SessionError("conflict", "Your side has already submitted a figure in this round.")
        setattr(bid, f"{side}_figure", amount)
        setattr(bid, f"{side}_submitted_by", by)
        setattr(bid, f"{side}_submitted_at", timezone.now())
        joint = joint_room(mediation)
        system_message(room=joint, actor=by, event="blind_bid.submitted", round=bid.round, side=side)
        if bid.claimant_figure is not None and bid.respondent_figure is not None:
            bid.midpoint = blind_bid_outcome(ask=bid.claimant_figure, offer=bid.respondent_figure, gap=bid.gap)
            bid.status = BlindBid.Status.SETTLED if bid.midpoint is not None else BlindBid.Status.NO_DEAL
            bid.decided_at = timezone.now()
            if bid.midpoint is not None:
                system_message(room=joint, actor=None, event="blind_bid.result", round=bid.round,
                               outcome="midpoint", amount=str(bid.midpoint))
            else:
                system_message(room=joint, actor=None, event="blind_bid.result", round=bid.round,
                               outcome="no_deal")
        bid.save()
    return bid.round
