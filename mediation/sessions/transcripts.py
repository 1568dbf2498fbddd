"""Session transcripts (调解记录): when the mediator ends a sitting, or the
mediation leaves the states in which sessions take place, every room's
messages since its last transcript are rendered to PDF, signed and registered
in the notary log (one PDF pipeline: render → sign → register).

A caucus transcript belongs to that side and the mediator: it is served only
by mediation.sessions.views.transcript, which checks the room.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from mediation.models import Mediation, RoomMessage, SessionRoom, Transcript
from mediation.sessions.rooms import AuthorInfo, broadcast, room_group

EVENTS = {
    "caucus.opened": "调解员开启与{side}的背对背会谈 / caucus with the {side_en} opened",
    "caucus.closed": "背对背会谈（{side}）结束 / caucus with the {side_en} closed",
    "room.opened": "背对背会谈开始 / caucus opened",
    "room.closed": "背对背会谈结束 / caucus closed",
    "session.ended": "调解员结束本次会谈 / the mediator ended the session",
    "session.started": "调解员开始新一次会谈 / the mediator started a new session",
    "message.hidden": "第 {seq} 条消息被隐藏 / message {seq} hidden by the moderator",
    "participant.muted": "一名参与者被禁止发言 / a participant was muted",
    "participant.unmuted": "一名参与者恢复发言 / a participant was unmuted",
    "hearing.opened": "首席仲裁员开启网上庭审 / the presiding arbitrator opened the online hearing",
    "hearing.ended": "首席仲裁员结束本次庭审 / the presiding arbitrator ended the hearing",
    "blind_bid.opened": "双盲报价第 {round} 轮开始（差额 ¥{gap}）/ blind bidding round {round} opened (gap {gap})",
    "blind_bid.submitted": "{side}已提交双盲报价 / the {side_en} submitted a figure",
}
SIDE_LABELS = {"claimant": ("申请人方", "claimant"), "respondent": ("被申请人方", "respondent")}
OFFER_ACTIONS = {"propose": "报价 / offer", "counter": "还价 / counter-offer", "accept": "接受报价 / accepted offer",
                 "reject": "拒绝报价 / rejected offer"}


def describe(message: RoomMessage) -> str:
    """One line of transcript text for a message (hidden ones say only that)."""
    if message.hidden:
        return "［此消息已被隐藏 / hidden by the moderator］"
    body = message.body
    if message.kind == RoomMessage.Kind.TEXT:
        return body.get("text", "")
    if message.kind == RoomMessage.Kind.ATTACHMENT:
        return f"附件 / attachment: {body.get('name', '')} ({body.get('size', 0)} B, SHA-256 {body.get('sha256', '')})"
    if message.kind == RoomMessage.Kind.OFFER:
        label = OFFER_ACTIONS.get(body.get("action"), body.get("action", ""))
        side = SIDE_LABELS.get(body.get("side"), ("", ""))[0]
        text = f"{label} #{body.get('offer')}（{side}）"
        if body.get("action") in ("propose", "counter"):
            text += f"：¥{body.get('amount')} {body.get('terms', '')}".rstrip()
        return text
    event = body.get("event", "")
    if event == "blind_bid.result":
        if body.get("outcome") == "midpoint":
            return f"双盲报价第 {body.get('round')} 轮：建议按中间值 ¥{body.get('amount')} 和解 / midpoint proposed"
        return f"双盲报价第 {body.get('round')} 轮：暂未达成一致 / no deal yet"
    side_zh, side_en = SIDE_LABELS.get(body.get("side"), ("", ""))
    template = EVENTS.get(event, event)
    return template.format(side=side_zh, side_en=side_en, seq=body.get("seq", ""), round=body.get("round", ""),
                           gap=body.get("gap", ""))


def render_transcript(*, room: SessionRoom, from_seq: int, to_seq: int, by) -> Transcript:
    """Render, sign and register one room's messages from_seq..to_seq."""
    from mediation.sessions.policy import policy_for
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    mediation = room.mediation
    case = room.case
    messages = list(room.messages.filter(seq__gte=from_seq, seq__lte=to_seq).select_related("author")
                    .order_by("seq"))
    authors = AuthorInfo(room)
    rows = [{"seq": m.seq, "at": timezone.localtime(m.created_at), "author": authors(m.author),
             "text": describe(m), "sha256": m.sha256, "hidden": m.hidden, "system": m.kind == "system"}
            for m in messages]
    title = policy_for(room).transcript_title(room)
    pdf = render_pdf("pdf/session_transcript.html", {
        "case": case, "mediation": mediation, "process": room.process, "room": room, "title": title, "rows": rows,
        "from_seq": from_seq, "to_seq": to_seq, "is_caucus": room.kind == SessionRoom.Kind.CAUCUS,
        "side_label": SIDE_LABELS.get(room.side, ("", ""))[0], "generated_at": timezone.localtime(),
        "parties": case.parties.all(), "people": policy_for(room).transcript_people(room),
    })
    pdf = sign_pdf(pdf, reason=f"{title.split(' / ')[0]} / Session transcript")
    prefix = "庭审记录" if room.kind == SessionRoom.Kind.HEARING else "调解记录"
    name = f"{prefix}-{case.number or case.short_ref}-{room.key}-{from_seq}-{to_seq}.pdf"
    with transaction.atomic():
        item = register_file(case=case, fileobj=ContentFile(pdf, name="transcript.pdf"), original_name=name,
                             content_type="application/pdf", submitter=by, kind=NotaryItem.Kind.DOCUMENT,
                             description=title.split(" / ")[0],
                             private_to_side=room.side if room.kind == SessionRoom.Kind.CAUCUS else "")
        transcript = Transcript.objects.create(room=room, from_seq=from_seq, to_seq=to_seq, item=item)
    return transcript


def pending_ranges(rooms) -> list[tuple[SessionRoom, int, int]]:
    """(room, from, to) for every room (of a queryset, or a mediation's) with
    messages not yet in a transcript."""
    if isinstance(rooms, Mediation):
        rooms = rooms.rooms.all()
    ranges = []
    for room in rooms.select_related("case", "mediation").annotate(done=Max("transcripts__to_seq")).order_by("id"):
        start, end = (room.done or 0) + 1, room.next_seq - 1
        if end >= start:
            ranges.append((room, start, end))
    return ranges


@task()
def make_transcripts(mediation_id: int, by_id: int | None = None) -> list[int]:
    """Transcripts of every room's new messages (runs on the task worker)."""
    mediation = Mediation.objects.select_related("case").get(pk=mediation_id)
    return _transcribe(mediation.rooms.all(), by_id)


@task()
def make_room_transcripts(room_ids: list[int], by_id: int | None = None) -> list[int]:
    """Transcripts of the new messages of these rooms (an arbitration hearing's room)."""
    return _transcribe(SessionRoom.objects.filter(pk__in=room_ids), by_id)


def _transcribe(rooms, by_id: int | None) -> list[int]:
    from portal.models import User

    by = User.objects.filter(pk=by_id).first() if by_id else None
    made = []
    for room, start, end in pending_ranges(rooms):
        transcript = render_transcript(room=room, from_seq=start, to_seq=end, by=by)
        made.append(transcript.pk)
        broadcast(room_group(room.pk), {"type": "room.transcript", "transcript": transcript.pk,
                                        "from_seq": start, "to_seq": end})
    return made


def make_transcripts_after_commit(*, mediation: Mediation | None = None, rooms: list[SessionRoom] | None = None,
                                  by) -> None:
    """Queue the transcripts of a mediation's rooms, or of the given rooms, for after the commit."""
    by_id = getattr(by, "pk", None)
    # robust: a transcript that fails to render must not turn the commit that ended the session into an error.
    if mediation is not None:
        mediation_id = mediation.pk
        transaction.on_commit(lambda: make_transcripts.enqueue(mediation_id, by_id), robust=True)
    if rooms:
        room_ids = [room.pk for room in rooms]
        transaction.on_commit(lambda: make_room_transcripts.enqueue(room_ids, by_id), robust=True)
