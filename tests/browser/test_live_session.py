"""Journey: the mediator and the claimant chat in the joint room over a real
WebSocket (uvicorn), the mediator opens a private caucus with the claimant
and they talk there; the claimant uses a 375 px wide phone screen."""

import re
import sqlite3

import pytest

from tests.browser.conftest import outside_event_loop
from tests.live_servers import asgi_servers
from tests.mediation.sessions_support import build_session_world

pytestmark = pytest.mark.django_db(transaction=True)


def _page(browser, base_url, cookie, *, width=1280, height=900):
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(15000)
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base_url}])
    return context, context.new_page()


class Network:
    """The claimant's WebSockets pass through Playwright, so the test can cut them."""

    def __init__(self, page):
        self.is_down, self.routes = False, []
        page.route_web_socket(re.compile(r"/ws/mediation/"), self._connect)

    def _connect(self, route):
        if self.is_down:
            route.close(code=1012, reason="network down (test)")
            return
        self.routes.append((route, route.connect_to_server()))

    def down(self):
        self.is_down = True
        for page_side, server_side in self.routes:
            page_side.close(code=1012, reason="network down (test)")
            server_side.close()
        self.routes.clear()

    def up(self):
        self.is_down = False


def _online(page):
    page.wait_for_selector("[data-status][data-state=online]")


def _say(page, text):
    page.fill("#chat-text", text)
    page.press("#chat-text", "Enter")


def _shows(page, text):
    page.locator(".chat-log .chat-msg:not(.pending) .chat-body", has_text=text).first.wait_for()


def test_mediator_and_claimant_chat_in_the_joint_room_and_a_caucus(browser, shot, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    w = outside_event_loop(build_session_world, django_capture_on_commit_callbacks)
    key = w["key"]
    with asgi_servers(tmp_path) as (base_url,):
        mediator_context, mediator = _page(browser, base_url, w["cookies"]["mediator"])
        claimant_context, claimant = _page(browser, base_url, w["cookies"]["claimant"], width=375, height=800)
        network = Network(claimant)
        try:
            mediator.goto(f"/mediation/{key}/")
            mediator.click("[data-session-link]")
            mediator.wait_for_url(re.compile(r"/sessions/joint/$"))
            claimant.goto(f"/mediation/{key}/sessions/")
            _online(mediator)
            _online(claimant)

            _say(mediator, "各位好，今天先在联席会谈中确认争议焦点。")
            _shows(claimant, "确认争议焦点")
            _say(claimant, "申请人：我方要求赔偿三万元，并下架全部链接。")
            _shows(mediator, "要求赔偿三万元")
            # User text is text, never markup.
            _say(claimant, '<img src=x onerror="document.title=1">')
            _shows(mediator, "<img src=x")
            assert mediator.locator(".chat-log img").count() == 0
            # The mediator hides it; the claimant sees only that it was hidden.
            mediator.once("dialog", lambda dialog: dialog.accept("与调解无关"))
            mediator.click(".chat-msg[data-seq='3'] .chat-meta button.link-like")
            claimant.locator(".chat-msg[data-seq='3'] .chat-body em").wait_for()
            assert "<img" not in claimant.inner_text(".chat-log")
            claimant.locator(".chat-presence li").nth(1).wait_for()
            # The claimant's connection drops and stays down for a while: the page says so, keeps
            # trying with backoff, and once back replays what was said meanwhile.
            network.down()
            claimant.wait_for_selector("[data-status][data-state=offline]")
            _say(mediator, "（申请人断线期间）请被申请人先陈述。")
            _shows(mediator, "申请人断线期间")
            network.up()
            _online(claimant)
            _shows(claimant, "申请人断线期间")
            shot(mediator, "40-session-joint-mediator")
            shot(claimant, "41-session-joint-claimant-375px")
            chat_box = claimant.locator("#chat").bounding_box()
            assert chat_box["x"] >= 0 and chat_box["x"] + chat_box["width"] <= 375

            # The mediator opens a private caucus with the claimant side.
            mediator.click("[data-mediator-panel] summary")
            mediator.click("[data-control='caucus.open'][data-side='claimant']")
            claimant.click(".room-tabs [data-room-link=claimant]")
            claimant.wait_for_url(re.compile(r"/sessions/claimant/$"))
            mediator.goto(f"/mediation/{key}/sessions/claimant/")
            _online(mediator)
            _online(claimant)
            _say(claimant, "（背对背）我方底线是两万元，请不要告诉对方。")
            _shows(mediator, "底线是两万元")
            _say(mediator, "明白。我会去和被申请人单独沟通。")
            _shows(claimant, "单独沟通")
            assert "ev-" not in claimant.inner_text(".chat-log")  # every event has its label
            shot(mediator, "42-session-caucus-mediator")
            shot(claimant, "43-session-caucus-claimant-375px")
            assert claimant.locator(".notice").count() == 1  # "only this side and the mediator can read this room"
        finally:
            mediator_context.close()
            claimant_context.close()
        database = sqlite3.connect(tmp_path / "live.sqlite3")
        counts = dict(database.execute(
            "SELECT r.side, COUNT(*) FROM mediation_roommessage m JOIN mediation_sessionroom r ON m.room_id = r.id "
            "WHERE m.kind = 'text' GROUP BY r.side").fetchall())
        database.close()
    assert counts == {"": 4, "claimant": 2}
