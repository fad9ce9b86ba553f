// albabot sandbox page: a persona switcher, a Telegram-like chat with the bot, the clock
// and reset controls, and live updates over Server-Sent Events. Plain browser JavaScript,
// served as is (no build step). The API is described at the top of src/sandbox/server.ts.
"use strict";

const TIME_ZONE = "Asia/Ulaanbaatar";

const state = {
  personas: [],
  /** Id of the persona whose chat is open. */
  current: null,
  /** The open chat: { persona, messages, replyKeyboard, commands }. */
  chat: null,
  bot: { username: "albabot_sandbox_bot", name: "albabot" },
  now: null,
  offsetMs: 0,
  outbox: { pending: 0, nextAt: null },
  /** Rendered message elements by message id, with the data they show. */
  rendered: new Map(),
  /** Actions (send, press, upload) finished and shown: mirrored on <body data-actions>. */
  actionsDone: 0,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// ───────────────────────────── API ─────────────────────────────

async function api(path, { method = "GET", json, body, headers } = {}) {
  const res = await fetch(path, {
    method,
    headers: json !== undefined ? { "content-type": "application/json" } : headers,
    body: json !== undefined ? JSON.stringify(json) : body,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
  return data;
}

const chatPath = (suffix = "") => `/api/chats/${encodeURIComponent(state.current)}${suffix}`;

/**
 * Runs a user action against the sandbox. The server answers once the bot has handled the
 * update and delivered what it enqueued, so the chat is reloaded at once rather than on the
 * next event. Errors become a toast; `<body data-actions>` counts finished actions.
 */
/** Runs a request and reloads the chat; false (with the error shown) when it failed. */
async function act(request) {
  try {
    await request();
    await loadChat();
    return true;
  } catch (err) {
    showToast(err.message, true);
    return false;
  } finally {
    document.body.dataset.actions = String(++state.actionsDone);
  }
}

// ───────────────────────────── formatting ─────────────────────────────

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hour: "2-digit",
  minute: "2-digit",
});
const dayFormat = new Intl.DateTimeFormat("en-GB", { timeZone: TIME_ZONE, day: "numeric", month: "long" });
const clockFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

function formatDuration(ms) {
  const hours = Math.round(ms / 3_600_000);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? "" : "s"}`);
  if (rest) parts.push(`${rest} h`);
  return parts.join(" ") || "a few minutes";
}

function formatSize(bytes) {
  if (!bytes && bytes !== 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Telegram picks an avatar colour per account; here by the persona's place in the list. */
function avatarClass(p) {
  const index = state.personas.findIndex((x) => x.id === p.id);
  return `avatar c${(index < 0 ? 0 : index) % 7}`;
}

const KIND_LABEL = { citizen: "citizen", visitor: "citizen", staff: "staff", newcomer: "new staff" };
const kindLabel = (p) => (p.channel === "messenger" ? "Messenger" : KIND_LABEL[p.kind]);

function initials(name) {
  const letters = name.replace(/^[^.]*\./, "").trim();
  return (letters[0] || name[0] || "?").toUpperCase();
}

// ───────────────────────────── Telegram HTML ─────────────────────────────

/** Telegram's HTML subset; everything else is dropped and only its text kept. */
const ALLOWED = {
  B: "b",
  STRONG: "b",
  I: "i",
  EM: "i",
  U: "u",
  INS: "u",
  S: "s",
  STRIKE: "s",
  DEL: "s",
  CODE: "code",
  PRE: "pre",
  A: "a",
  BLOCKQUOTE: "blockquote",
  "TG-SPOILER": "spoiler",
  SPAN: "spoiler", // only <span class="tg-spoiler">
};

/** A t.me link that starts this bot: https://t.me/<bot>?start=<payload>. */
function startPayload(href) {
  try {
    const url = new URL(href);
    if (!/^(www\.)?(t|telegram)\.me$/.test(url.hostname)) return null;
    if (url.pathname.replace(/^\//, "").toLowerCase() !== state.bot.username.toLowerCase()) return null;
    return url.searchParams.get("start") ?? "";
  } catch {
    return null;
  }
}

function safeLink(href, children) {
  const payload = startPayload(href);
  if (payload !== null) {
    return el(
      "a",
      {
        href,
        onclick: (e) => (e.preventDefault(), openAs(href, payload)),
        title: "Open in a persona's chat",
      },
      children,
    );
  }
  if (!/^(https?:|mailto:|tel:)/i.test(href)) return el("span", {}, children);
  return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, children);
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)»]/g;

/** Text with its web addresses made into links, as Telegram shows them. */
function linkify(text) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    out.append(text.slice(at, match.index));
    out.append(safeLink(match[0], match[0]));
    at = match.index + match[0].length;
  }
  out.append(text.slice(at));
  return out;
}

function sanitize(node, inLink = false) {
  const out = document.createDocumentFragment();
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      out.append(inLink ? child.textContent : linkify(child.textContent));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const kind = ALLOWED[child.tagName];
    const inner = sanitize(child, inLink || kind === "a" || kind === "code" || kind === "pre");
    if (!kind || (child.tagName === "SPAN" && !child.classList.contains("tg-spoiler"))) {
      out.append(inner);
    } else if (kind === "a") {
      out.append(safeLink(child.getAttribute("href") || "", inner));
    } else if (kind === "spoiler") {
      out.append(
        el("span", { class: "spoiler", onclick: (e) => e.currentTarget.classList.add("shown") }, inner),
      );
    } else {
      out.append(el(kind, {}, inner));
    }
  }
  return out;
}

function renderText(text, html) {
  const box = el("div", { class: "text" });
  if (!html) {
    box.append(linkify(text));
    return box;
  }
  const doc = new DOMParser().parseFromString(`<body>${text}</body>`, "text/html");
  box.append(sanitize(doc.body));
  return box;
}

// ───────────────────────────── personas ─────────────────────────────

function renderPersonas() {
  const list = $("persona-list");
  list.replaceChildren(
    ...state.personas.map((p) => {
      const last = p.last;
      return el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: `persona${p.id === state.current ? " active" : ""}`,
            dataset: { persona: p.id },
            title: `${p.name} — ${p.role}`,
            onclick: () => selectPersona(p.id),
          },
          el("div", { class: avatarClass(p), "aria-hidden": "true" }, initials(p.name)),
          el(
            "div",
            { class: "persona-body" },
            el(
              "div",
              { class: "persona-top" },
              el("span", { class: "persona-name" }, p.name),
              el("span", { class: `kind${p.channel === "messenger" ? " messenger" : ""}` }, kindLabel(p)),
              last ? el("span", { class: "persona-time muted" }, timeFormat.format(last.date * 1000)) : null,
            ),
            el("div", { class: "persona-role" }, `${p.roleMn} · ${p.role}`),
            el(
              "div",
              { class: "persona-last muted" },
              el(
                "span",
                {},
                last ? (last.from === "user" ? `You: ${last.text}` : last.text) : "No messages yet",
              ),
              p.unread ? el("span", { class: "badge", "aria-label": `${p.unread} unread` }, p.unread) : null,
            ),
          ),
        ),
      );
    }),
  );
  const me = state.personas.find((p) => p.id === state.current);
  $("you").replaceChildren(
    ...(me
      ? [
          el("strong", {}, `You are ${me.name}`),
          el(
            "span",
            { class: "muted", title: [me.position, me.unit].filter(Boolean).join(" · ") },
            me.position || me.role,
          ),
        ]
      : []),
  );
  const unread = state.personas.reduce((n, p) => n + p.unread, 0);
  document.title = unread ? `(${unread}) albabot sandbox` : "albabot sandbox";
}

async function refreshState() {
  const data = await api("/api/state");
  state.personas = data.personas;
  state.bot = data.bot;
  state.now = data.now;
  state.offsetMs = data.offsetMs;
  state.outbox = data.outbox;
  $("storage-note").textContent = data.dataDir
    ? `Demo data: embedded PGlite database in ${data.dataDir} (never DATABASE_URL).`
    : "Demo data: in memory.";
  renderPersonas();
  renderClock();
}

function renderClock() {
  if (!state.now) return;
  $("clock-time").textContent = clockFormat.format(new Date(state.now));
  const offset = $("clock-offset");
  offset.hidden = state.offsetMs < 60_000;
  offset.textContent = `+${formatDuration(state.offsetMs)}`;
  offset.title = "How far the sandbox clock is ahead of real time";
  const outbox = $("outbox");
  const { pending, nextAt } = state.outbox;
  outbox.hidden = pending === 0;
  if (pending > 0) {
    const later = nextAt && new Date(nextAt) > new Date(state.now);
    outbox.textContent = later
      ? `${pending} message${pending === 1 ? "" : "s"} waiting until ${clockFormat.format(new Date(nextAt))}`
      : `${pending} message${pending === 1 ? "" : "s"} being delivered`;
    outbox.title =
      "Notifications in the outbox: quiet hours (21:00–08:00) and scheduled times hold them back";
  }
}

// ───────────────────────────── chat ─────────────────────────────

async function selectPersona(id) {
  if (!state.personas.some((p) => p.id === id)) return;
  const changed = state.current !== id;
  state.current = id;
  if (location.hash.slice(1) !== id) history.replaceState(null, "", `#${id}`);
  if (changed) {
    state.rendered.clear();
    $("messages")
      .querySelectorAll(".message, .day")
      .forEach((n) => n.remove());
    $("commands").hidden = true;
  }
  renderPersonas();
  await loadChat({ scroll: true });
  $("text").focus();
}

async function loadChat({ scroll = false } = {}) {
  if (!state.current) return;
  const id = state.current;
  const chat = await api(chatPath());
  if (id !== state.current) return; // switched meanwhile
  state.chat = chat;
  renderChat(scroll);
  if (document.visibilityState === "visible" && chat.persona.unread > 0) {
    await api(chatPath("/read"), { method: "POST" });
  }
}

function dayOf(date) {
  return dayFormat.format(date * 1000);
}

function renderChat(forceScroll) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const messages = state.chat.messages;
  $("empty").hidden = messages.length > 0;
  // A Messenger persona's conversation is drawn like Messenger: quick replies, cards, refusals.
  box.classList.toggle("messenger", state.chat.channel === "messenger");

  const nodes = [];
  let day = null;
  const keep = new Set();
  for (const m of messages) {
    if (dayOf(m.date) !== day) {
      day = dayOf(m.date);
      nodes.push(el("div", { class: "day" }, day));
    }
    const signature = JSON.stringify(m);
    let entry = state.rendered.get(m.messageId);
    if (!entry || entry.signature !== signature) {
      entry = { signature, node: renderMessage(m) };
      state.rendered.set(m.messageId, entry);
    }
    keep.add(m.messageId);
    nodes.push(entry.node);
  }
  for (const id of state.rendered.keys()) if (!keep.has(id)) state.rendered.delete(id);
  box.querySelectorAll(".message, .day").forEach((n) => {
    if (!nodes.includes(n)) n.remove();
  });
  for (const node of nodes) box.append(node); // moves kept nodes into order

  renderReplyKeyboard();
  renderCommands();
  if (forceScroll || atBottom) box.scrollTop = box.scrollHeight;
}

function renderMessage(m) {
  const bubble = el("div", { class: "bubble" });
  if (m.file?.kind === "photo") {
    const src = `/files/${encodeURIComponent(m.file.fileId)}`;
    const img = el("img", { src, alt: m.file.name || "photo", loading: "lazy" });
    img.addEventListener("load", () => {
      const box = $("messages");
      if (box.scrollHeight - box.scrollTop - box.clientHeight < 400) box.scrollTop = box.scrollHeight;
    });
    bubble.append(el("a", { class: "photo", href: src, target: "_blank", rel: "noopener" }, img));
  } else if (m.file) {
    bubble.append(
      el(
        "a",
        {
          class: "document",
          href: `/files/${encodeURIComponent(m.file.fileId)}?download`,
          download: m.file.name || "file",
          title: "Download",
        },
        el("span", { class: "document-icon", "aria-hidden": "true" }, "⬇"),
        el(
          "span",
          {},
          el("div", { class: "document-name" }, m.file.name || "file"),
          el("div", { class: "document-size" }, formatSize(m.file.size)),
        ),
      ),
    );
  }
  if (m.contact) {
    bubble.append(
      el(
        "div",
        { class: "contact" },
        el("div", { class: "avatar c1", "aria-hidden": "true" }, "☎"),
        el("div", {}, el("strong", {}, m.contact.name || "Contact"), el("div", {}, m.contact.phone)),
      ),
    );
  }
  const meta = el(
    "span",
    { class: "meta" },
    `${m.edited ? "edited " : ""}${timeFormat.format(m.date * 1000)}`,
  );
  if (m.text) {
    const text = renderText(m.text, m.html);
    text.append(meta);
    bubble.append(text);
  } else {
    bubble.append(meta);
  }

  const node = el("div", { class: "message", dataset: { from: m.from, id: m.messageId } }, bubble);
  if (m.error) node.classList.add("refused");
  if (m.card) {
    // A button template: the text and its buttons in one card.
    bubble.classList.add("card");
    bubble.append(
      el(
        "div",
        { class: "card-buttons" },
        m.card.buttons.map((b) =>
          b.url
            ? urlButton({ text: b.title, url: b.url })
            : callbackButton(m, { text: b.title, data: b.payload }),
        ),
      ),
    );
  }
  if (m.quickReplies?.length) {
    // Quick replies: pills under the latest message, gone once one is tapped.
    node.append(
      el(
        "div",
        { class: "quick-replies" },
        m.quickReplies.map((q) => callbackButton(m, { text: q.title, data: q.payload }, "quick-reply")),
      ),
    );
  }
  if (m.buttons?.length) {
    node.append(
      el(
        "div",
        { class: "inline-keyboard" },
        m.buttons.map((row) =>
          el(
            "div",
            { class: "inline-row" },
            row.map((b) => (b.url ? urlButton(b) : callbackButton(m, b))),
          ),
        ),
      ),
    );
  }
  return node;
}

function urlButton(b) {
  const payload = startPayload(b.url);
  return el(
    "a",
    {
      class: "inline-button",
      href: b.url,
      target: "_blank",
      rel: "noopener noreferrer",
      onclick: payload !== null ? (e) => (e.preventDefault(), openAs(b.url, payload)) : undefined,
    },
    `${b.text} ↗`,
  );
}

function callbackButton(m, b, extraClass = "") {
  return el(
    "button",
    {
      type: "button",
      class: `inline-button ${extraClass}`.trim(),
      dataset: { data: b.data || "" },
      onclick: async (e) => {
        const button = e.currentTarget;
        button.classList.add("pending");
        await act(() =>
          api(chatPath("/press"), { method: "POST", json: { messageId: m.messageId, data: b.data } }),
        );
        button.classList.remove("pending");
      },
    },
    b.text,
  );
}

function renderReplyKeyboard() {
  const box = $("reply-keyboard");
  const keyboard = state.chat?.replyKeyboard;
  box.hidden = !keyboard;
  $("text").placeholder = keyboard?.placeholder || "Message";
  if (!keyboard) return box.replaceChildren();
  box.replaceChildren(
    ...keyboard.rows.map((row) =>
      el(
        "div",
        { class: "reply-row" },
        row.map((b) =>
          el(
            "button",
            {
              type: "button",
              class: `reply-button${b.requestContact ? " contact" : ""}`,
              onclick: () => (b.requestContact ? shareContact() : sendText(b.text)),
            },
            b.text,
          ),
        ),
      ),
    ),
  );
}

function renderCommands() {
  const commands = state.chat?.commands ?? [];
  $("menu-button").hidden = commands.length === 0;
  $("commands").replaceChildren(
    ...commands.map((c) =>
      el(
        "button",
        {
          type: "button",
          class: "command",
          role: "menuitem",
          onclick: () => {
            $("commands").hidden = true;
            sendText(`/${c.command}`);
          },
        },
        el("strong", {}, `/${c.command}`),
        el("span", { class: "muted" }, c.description),
      ),
    ),
  );
}

// ───────────────────────────── acting ─────────────────────────────

async function sendText(text) {
  const body = text.trim();
  if (!body || !state.current) return false;
  return act(() => api(chatPath("/messages"), { method: "POST", json: { text: body } }));
}

async function shareContact() {
  await act(() => api(chatPath("/contact"), { method: "POST" }));
}

async function uploadFile(file) {
  const caption = $("text").value.trim();
  const query = new URLSearchParams({ name: file.name });
  if (caption) query.set("caption", caption);
  await act(async () => {
    await api(chatPath(`/files?${query}`), {
      method: "POST",
      headers: { "content-type": file.type || "application/octet-stream" },
      body: file,
    });
    if (caption) $("text").value = "";
  });
}

/** Opens a t.me link of the bot in the chat of a persona the user picks. */
function openAs(href, payload) {
  const dialog = $("open-as");
  $("open-as-link").textContent = href;
  $("open-as-list").replaceChildren(
    ...state.personas.map((p) =>
      el(
        "button",
        {
          type: "button",
          class: "persona",
          dataset: { persona: p.id },
          onclick: async () => {
            dialog.close();
            await selectPersona(p.id);
            await sendText(payload ? `/start ${payload}` : "/start");
          },
        },
        el("div", { class: avatarClass(p), "aria-hidden": "true" }, initials(p.name)),
        el(
          "div",
          { class: "persona-body" },
          el("span", { class: "persona-name" }, p.name),
          el("span", { class: "persona-role" }, p.role),
        ),
      ),
    ),
  );
  dialog.showModal();
}

let toastTimer = null;
function showToast(text, error = false) {
  const toast = $("toast");
  toast.textContent = text;
  toast.classList.toggle("error", error);
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), error ? 6000 : 3500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").showModal();
}

async function advanceClock(step, button) {
  const buttons = document.querySelectorAll("[data-step]");
  buttons.forEach((b) => (b.disabled = true));
  button.textContent = "…";
  if (step !== "1h") showToast("Moving the clock: the scheduled jobs of every hour passed run now…");
  try {
    const result = await api("/api/clock", { method: "POST", json: { step } });
    await refreshState();
    const delivered = result.delivered
      ? `${result.delivered} message${result.delivered === 1 ? "" : "s"} delivered`
      : "no new messages";
    showToast(`Now ${clockFormat.format(new Date(result.now))}: ${delivered}.`);
  } catch (err) {
    showToast(err.message, true);
  } finally {
    buttons.forEach((b) => {
      b.disabled = false;
      b.textContent = b.title.includes("hour") ? "+1 hour" : b.title.includes("day") ? "+1 day" : "+1 week";
    });
  }
}

async function resetDemo() {
  const button = $("reset-button");
  button.disabled = true;
  button.textContent = "Resetting…";
  try {
    await api("/api/reset", { method: "POST" });
    state.rendered.clear();
    await refreshState();
    await loadChat({ scroll: true });
    showToast("The demo data was loaded again.");
  } catch (err) {
    showToast(err.message, true);
  } finally {
    button.disabled = false;
    button.textContent = "Reset demo";
  }
}

// ───────────────────────────── live updates ─────────────────────────────

let chatReload = null;
function reloadChatSoon() {
  clearTimeout(chatReload);
  chatReload = setTimeout(() => loadChat().catch(() => {}), 30);
}

let stateReload = null;
function reloadStateSoon() {
  clearTimeout(stateReload);
  stateReload = setTimeout(() => refreshState().catch(() => {}), 60);
}

function connectEvents() {
  const events = new EventSource("/api/events");
  events.onmessage = (e) => {
    const event = JSON.parse(e.data);
    if (event.type === "chat" && event.persona === state.current) reloadChatSoon();
    else if (event.type === "toast" && event.persona === state.current) {
      if (event.alert) showAlert(event.text);
      else showToast(event.text);
    } else if (event.type === "state") reloadStateSoon();
    else if (event.type === "reset") {
      state.rendered.clear();
      reloadStateSoon();
      reloadChatSoon();
    }
  };
  events.onopen = () => reloadStateSoon();
  // EventSource reconnects by itself; a slow poll covers the time it is away.
  setInterval(() => {
    if (events.readyState !== EventSource.OPEN) {
      reloadStateSoon();
      reloadChatSoon();
    }
  }, 5000);
}

// ───────────────────────────── start ─────────────────────────────

function bindControls() {
  const text = $("text");
  let sending = false;
  $("composer").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (sending) return;
    const value = text.value;
    // The text stays in the composer until it is sent: a refused one (too long) can be fixed.
    sending = true;
    const sent = await sendText(value).finally(() => (sending = false));
    if (sent && text.value === value) {
      text.value = "";
      text.style.height = "";
    }
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("composer").requestSubmit();
    }
  });
  text.addEventListener("input", () => {
    text.style.height = "";
    text.style.height = `${Math.min(text.scrollHeight, 160)}px`;
  });
  $("attach-button").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", (e) => {
    const [file] = e.target.files;
    e.target.value = "";
    if (file) uploadFile(file);
  });
  $("menu-button").addEventListener("click", (e) => {
    e.stopPropagation();
    $("commands").hidden = !$("commands").hidden;
  });
  document.addEventListener("click", () => ($("commands").hidden = true));
  document.querySelectorAll("[data-step]").forEach((b) => {
    b.addEventListener("click", () => advanceClock(b.dataset.step, b));
  });
  document.querySelectorAll("[data-send]").forEach((b) => {
    b.addEventListener("click", () => sendText(b.dataset.send));
  });
  $("reset-button").addEventListener("click", () => $("confirm-reset").showModal());
  $("confirm-reset").addEventListener("close", () => {
    if ($("confirm-reset").returnValue === "reset") resetDemo();
  });
  $("about-button").addEventListener("click", () => $("about").showModal());
  window.addEventListener("hashchange", () => selectPersona(location.hash.slice(1)));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reloadChatSoon();
  });
}

async function start() {
  bindControls();
  await refreshState();
  const wanted = location.hash.slice(1);
  await selectPersona(state.personas.some((p) => p.id === wanted) ? wanted : state.personas[0]?.id);
  connectEvents();
  setInterval(() => reloadStateSoon(), 30_000); // the clock display follows real time
}

start().catch((err) => showToast(`The sandbox is not reachable: ${err.message}`, true));
