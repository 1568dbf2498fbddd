// Live session chat: mediation sessions and online arbitration hearings (protocol: docs/sessions.md). A plain ES module:
// no build step, no inline script; configuration comes from data- attributes.
// Every string from users is put in the page with textContent, never as HTML.

const root = document.getElementById("chat");
if (root) start(root);

function start(root) {
  const strings = document.getElementById("chat-strings")?.dataset ?? {};
  // data-ev-room-opened is dataset.evRoomOpened: keys are written as in the template.
  const t = (key, vars = {}) => (strings[key.replace(/-(\w)/g, (_, c) => c.toUpperCase())] ?? key)
    .replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
  const $ = (selector) => root.querySelector(selector);
  const ui = {
    status: $("[data-status]"), presence: $("[data-presence]"), log: $("[data-log]"), typing: $("[data-typing]"),
    readonly: $("[data-readonly]"), compose: $("[data-compose]"), file: $("[data-file]"),
  };
  // moderator: whoever runs the room (the mediator; the presiding arbitrator of a hearing).
  const me = { id: null, role: root.dataset.role, side: root.dataset.side, moderator: root.dataset.moderator === "1" };
  const pending = new Map(); // client_id -> { frame, item }: sent, not yet acknowledged
  const offers = new Map(); // offer id -> { status, item }
  const readers = new Map(); // user id -> last read seq
  let ws = null;
  let attempt = 0;
  let lastSeq = 0; // the last message shown; the server replays everything after it
  let pingTimer = null;
  let typingTimer = null;
  let lastTypingSent = 0;
  let readTimer = null;

  // --- connection, reconnection with exponential backoff and jitter ----------------
  function wsUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${root.dataset.wsPath}`;
  }

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
  }

  function connect() {
    setStatus("connecting", t("connecting"));
    ws = new WebSocket(wsUrl());
    ws.addEventListener("open", () => send({ type: "hello", last_seq: lastSeq }));
    ws.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      handle(frame);
    });
    ws.addEventListener("close", (event) => {
      clearInterval(pingTimer);
      if ([4401, 4403, 4404].includes(event.code)) {
        setStatus("refused", t("refused"));
        setWritable(false);
        return; // refused: trying again would not help
      }
      reconnectLater();
    });
  }

  function reconnectLater() {
    const ceiling = Math.min(30000, 500 * 2 ** attempt);
    attempt += 1;
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    let left = Math.ceil(delay / 1000);
    setStatus("offline", t("offline", { seconds: left }));
    const countdown = setInterval(() => {
      left -= 1;
      if (left > 0) setStatus("offline", t("offline", { seconds: left }));
    }, 1000);
    setTimeout(() => { clearInterval(countdown); connect(); }, delay);
  }

  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function newClientId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- frames from the server ------------------------------------------------------
  function handle(frame) {
    switch (frame.type) {
      case "welcome":
        me.id = frame.you.id;
        for (const [user, seq] of Object.entries(frame.read || {})) readers.set(Number(user), seq);
        showPresence(frame.presence || []);
        setWritable(frame.room.writable);
        break;
      case "synced":
        attempt = 0;
        setStatus("online", t("online"));
        for (const { frame: queued } of pending.values()) send(queued); // same client_id: never a duplicate
        clearInterval(pingTimer);
        pingTimer = setInterval(() => send({ type: "ping" }), 25000);
        scheduleRead();
        break;
      case "message": {
        if (frame.seq <= lastSeq) return;
        lastSeq = frame.seq;
        // The stored message can arrive before its ack: it replaces the "sending…" line at once.
        const mine = frame.author && frame.author.id === me.id ? pending.get(frame.client_id) : null;
        if (mine) { mine.item?.remove(); pending.delete(frame.client_id); }
        showMessage(frame);
        scheduleRead();
        break;
      }
      case "ack": {
        const entry = pending.get(frame.client_id);
        if (entry) { entry.item?.remove(); pending.delete(frame.client_id); }
        break;
      }
      case "pong":
        if (frame.head > lastSeq) send({ type: "hello", last_seq: lastSeq });
        break;
      case "typing":
        ui.typing.textContent = t("typing", { name: frame.user.name });
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => { ui.typing.textContent = ""; }, 4000);
        break;
      case "read":
        readers.set(frame.user, frame.seq);
        break;
      case "presence":
        showPresence(frame.users);
        break;
      case "room":
        setWritable(frame.writable);
        break;
      case "transcript":
        showTranscript(frame);
        break;
      case "done":
        if (frame.frame === "blind_bid.submit") showNote(t("blind-done", { round: frame.round }));
        break;
      case "error":
        showError(frame);
        break;
      default:
        break;
    }
  }

  function setWritable(writable) {
    ui.readonly.hidden = !!writable;
    for (const el of root.querySelectorAll("form button, form textarea, form input")) el.disabled = !writable;
  }

  // --- rendering (textContent only) -----------------------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sideLabel(side) {
    return side === "claimant" || side === "respondent" ? t(side) : "";
  }

  function authorLabel(author) {
    if (!author) return "";
    const role = author.role === "mediator" ? t("mediator") : author.role === "arbitrator" ? t("arbitrator")
      : author.role === "observer" ? t("observer") : sideLabel(author.side);
    return role ? `${author.name} · ${role}` : author.name;
  }

  function showPresence(users) {
    ui.presence.replaceChildren();
    for (const user of users) {
      const item = el("li", "chat-person", authorLabel(user));
      if (me.moderator && user.role === "party") {
        for (const [label, type] of [[t("mute"), "moderate.mute"], [t("unmute"), "moderate.unmute"]]) {
          const button = el("button", "link-like small", label);
          button.type = "button";
          button.addEventListener("click", () => send({ type, user: user.id }));
          item.append(" ", button);
        }
      }
      ui.presence.append(item);
    }
  }

  function messageItem(frame) {
    const item = el("li", `chat-msg kind-${frame.kind}`);
    item.dataset.seq = String(frame.seq);
    if (frame.author && frame.author.id === me.id) item.classList.add("mine");
    if (frame.kind !== "system") {
      const head = el("div", "chat-meta");
      head.append(el("strong", "", authorLabel(frame.author)), " ",
        el("time", "muted", new Date(frame.at).toLocaleTimeString()), " ", el("span", "muted", `#${frame.seq}`));
      item.append(head);
    }
    return item;
  }

  function showMessage(frame) {
    const item = messageItem(frame);
    const body = el("div", "chat-body");
    item.append(body);
    if (frame.kind === "system") {
      item.classList.add("muted");
      body.textContent = describeEvent(frame.body);
      applyEvent(frame.body);
    } else if (frame.hidden && frame.body === null) {
      body.append(el("em", "", t("hidden")));
    } else {
      fillBody(body, frame);
      const meta = item.querySelector(".chat-meta");
      if (frame.hidden) meta.append(" ", el("span", "badge withdrawn", t("hidden")));
      if (me.moderator && !frame.hidden) meta.append(" ", hideButton(frame.seq));
    }
    ui.log.append(item);
    for (const entry of pending.values()) if (entry.item) ui.log.append(entry.item); // pending stay last
    item.scrollIntoView({ block: "nearest" });
  }

  function fillBody(body, frame) {
    if (frame.kind === "text") {
      body.textContent = frame.body.text;
    } else if (frame.kind === "attachment") {
      const link = el("a", "", `${t("attachment")}: ${frame.body.name}`);
      link.href = frame.url;
      body.append(link, el("span", "muted small", ` (${Math.ceil(frame.body.size / 1024)} KB)`));
    } else if (frame.kind === "offer") {
      showOffer(body, frame.body);
    }
  }

  function showOffer(body, offer) {
    const amount = offer.amount;
    const text = offer.action === "propose" ? t("offer", { side: sideLabel(offer.side), amount })
      : offer.action === "counter" ? t("offer-counter", { side: sideLabel(offer.side), amount })
      : offer.action === "accept" ? t("offer-accepted", { offer: offer.offer, amount })
      : t("offer-rejected", { offer: offer.offer });
    body.append(el("strong", "", text));
    if (offer.terms && (offer.action === "propose" || offer.action === "counter")) body.append(el("p", "", offer.terms));
    if (offer.action === "accept") setOfferStatus(offer.offer, "accepted");
    if (offer.action === "reject") setOfferStatus(offer.offer, "rejected");
    if (offer.action === "counter" && offer.parent) setOfferStatus(offer.parent, "countered");
    if (offer.action !== "propose" && offer.action !== "counter") return;
    const badge = el("span", "badge submitted", t("status-proposed"));
    const buttons = el("div", "actions");
    body.append(" ", badge, buttons);
    offers.set(offer.offer, { badge, buttons });
    if (me.role !== "party" || me.side === offer.side) return;
    for (const action of ["accept", "reject", "counter"]) {
      const button = el("button", action === "accept" ? "primary small" : "secondary small", t(action));
      button.type = "button";
      button.addEventListener("click", () => answerOffer(offer.offer, action));
      buttons.append(button);
    }
  }

  function setOfferStatus(id, status) {
    const offer = offers.get(id);
    if (!offer) return;
    offer.badge.textContent = t(`status-${status}`);
    offer.badge.className = `badge ${status === "accepted" ? "docketed" : "withdrawn"}`;
    offer.buttons.replaceChildren();
  }

  function answerOffer(id, action) {
    const frame = { type: "offer.answer", client_id: newClientId(), offer: id, action };
    if (action === "counter") {
      const amount = window.prompt(t("counter-amount"));
      if (!amount) return;
      frame.amount = amount.trim();
    }
    queue(frame, t("pending"));
  }

  function hideButton(seq) {
    const button = el("button", "link-like small", t("hide"));
    button.type = "button";
    button.addEventListener("click", () => {
      const reason = window.prompt(t("hide-reason"));
      if (reason !== null) send({ type: "moderate.hide", seq, reason });
    });
    return button;
  }

  function describeEvent(body) {
    const vars = { ...body, side: sideLabel(body.side) };
    switch (body.event) {
      case "caucus.opened": return t("ev-caucus-opened", vars);
      case "caucus.closed": return t("ev-caucus-closed", vars);
      case "room.opened": return t("ev-room-opened", vars);
      case "room.closed": return t("ev-room-closed", vars);
      case "session.ended": return t("ev-session-ended", vars);
      case "session.started": return t("ev-session-started", vars);
      case "message.hidden": return t("ev-message-hidden", vars);
      case "participant.muted": return t("ev-participant-muted", vars);
      case "hearing.opened": return t("ev-hearing-opened", vars);
      case "hearing.ended": return t("ev-hearing-ended", vars);
      case "participant.unmuted": return t("ev-participant-unmuted", vars);
      case "blind_bid.opened": return t("ev-blind-opened", vars);
      case "blind_bid.submitted": return t("ev-blind-submitted", vars);
      case "blind_bid.result":
        return body.outcome === "midpoint" ? t("ev-blind-midpoint", vars) : t("ev-blind-no-deal", vars);
      default: return body.event;
    }
  }

  function applyEvent(body) {
    if (body.event === "message.hidden") {
      const target = ui.log.querySelector(`[data-seq="${Number(body.seq)}"]`);
      if (!target) return;
      if (me.moderator) {
        target.querySelector(".chat-meta button.link-like")?.remove();
        target.querySelector(".chat-meta")?.append(" ", el("span", "badge withdrawn", t("hidden")));
      } else {
        target.querySelector(".chat-body").replaceChildren(el("em", "", t("hidden")));
      }
    }
    if (body.event === "caucus.opened" && (me.role === "mediator" || me.side === body.side)) addRoomLink(body.side);
  }

  function addRoomLink(side) {
    const nav = document.querySelector(".room-tabs");
    if (!nav || nav.querySelector(`[data-room-link="${side}"]`)) return;
    const link = el("a", "", sideLabel(side));
    link.href = `${root.dataset.sessionsUrl}${side}/`;
    link.dataset.roomLink = side;
    nav.append(link);
  }

  function showTranscript(frame) {
    const item = el("li", "chat-msg kind-system muted");
    const link = el("a", "", t("transcript", { from: frame.from_seq, to: frame.to_seq }));
    link.href = frame.url;
    item.append(link);
    ui.log.append(item);
  }

  function showNote(text) {
    const item = el("li", "chat-msg kind-system muted", text);
    ui.log.append(item);
  }

  function showError(frame) {
    const entry = frame.client_id ? pending.get(frame.client_id) : null;
    if (entry && frame.code === "rate_limited") {
      setTimeout(() => send(entry.frame), Math.max(250, (frame.retry_after || 1) * 1000));
      return;
    }
    if (entry) {
      pending.delete(frame.client_id);
      entry.item?.classList.add("failed");
      entry.item?.querySelector(".chat-meta")?.replaceChildren(t("error", { message: frame.message }));
      return;
    }
    showNote(t("error", { message: frame.message }));
  }

  // --- sending ------------------------------------------------------------------------------
  function queue(frame, preview) {
    const item = el("li", "chat-msg mine pending");
    item.append(el("div", "chat-meta muted", t("pending")), el("div", "chat-body", preview));
    ui.log.append(item);
    pending.set(frame.client_id, { frame, item });
    send(frame); // if the socket is down, the frame goes out again after the next "synced"
  }

  function scheduleRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      if (document.visibilityState === "visible" && lastSeq > (readers.get(me.id) || 0)) {
        send({ type: "read", seq: lastSeq });
      }
    }, 800);
  }
  document.addEventListener("visibilitychange", scheduleRead);

  const text = ui.compose?.querySelector("textarea");
  ui.compose?.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = text.value.trim();
    if (!value) return;
    queue({ type: "message", client_id: newClientId(), text: value }, value);
    text.value = "";
  });
  text?.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.compose.requestSubmit();
    }
  });
  text?.addEventListener("input", () => {
    if (Date.now() - lastTypingSent > 3000) {
      lastTypingSent = Date.now();
      send({ type: "typing" });
    }
  });

  ui.file?.addEventListener("change", async () => {
    const file = ui.file.files[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file);
    data.append("client_id", newClientId());
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";
    try {
      const response = await fetch(root.dataset.uploadUrl, {
        method: "POST", body: data, headers: { "X-CSRFToken": csrf }, credentials: "same-origin",
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({ error: { message: response.statusText } }));
        showNote(t("error", { message: problem.error?.message ?? response.statusText }));
      }
    } catch (error) {
      showNote(t("error", { message: String(error) }));
    }
    ui.file.value = "";
  });

  root.querySelector("[data-offer-form]")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const amount = form.elements.amount.value.trim();
    queue({ type: "offer.make", client_id: newClientId(), amount, terms: form.elements.terms.value.trim() },
      t("offer", { side: sideLabel(me.side), amount }));
    form.reset();
  });

  root.querySelector("[data-blind-form]")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    send({ type: "blind_bid.submit", amount: form.elements.amount.value.trim() });
    form.reset();
  });

  root.querySelector("[data-gap-form]")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    send({ type: "blind_bid.configure", gap: form.elements.gap.value.trim() });
    form.reset();
  });

  for (const button of root.querySelectorAll("[data-control]")) {
    button.addEventListener("click", (event) => {
      if (event.defaultPrevented) return; // portal.js asked for confirmation and was told no
      const frame = { type: button.dataset.control };
      if (button.dataset.side) frame.side = button.dataset.side;
      send(frame);
    });
  }

  connect();
}
