// The playground page: a small Slack client. It polls the playground server for what the
// selected user sees, renders it, and turns every click into the request Slack would send.

import { StateStore, missingInputs, renderBlocks } from "./blockkit.js";
import { mrkdwn } from "./mrkdwn.js";

const POLL_MS = 600;
const $ = (id) => document.getElementById(id);

const page = {
  user: new URLSearchParams(location.search).get("user"),
  view: "channel", // "channel", "messages" (DM with the app) or "home"
  snapshot: null,
  messages: new Map(), // "channel|ts" -> { signature, node }
  homeKey: null,
  modalKey: null,
  inFlight: false,
  seenDms: 0, // how many DMs the user has seen, for the sidebar's unread mark
};

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

function toast(text) {
  const node = $("toast");
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (node.hidden = true), 4000);
}

function el(tag, className, children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children || []) if (child != null) node.append(child);
  return node;
}

function context(store, onAction, errors) {
  const snapshot = page.snapshot;
  const users = Object.fromEntries(snapshot.users.map((u) => [u.id, u.name]));
  users[snapshot.bot.id] = snapshot.bot.name;
  return {
    users,
    userList: snapshot.users,
    channels: [{ id: snapshot.channel.id, name: snapshot.channel.name }],
    store,
    onAction,
    errors,
  };
}

// After anything the user does, look again soon: the bot answers asynchronously.
function soon() {
  for (const delay of [150, 400, 900]) setTimeout(refresh, delay);
}

async function act(body) {
  const answer = await api("/api/action", { user: page.user, ...body });
  if (!answer.ok) toast(`The bot answered ${answer.status || answer.error}`);
  soon();
}

// ---- messages ------------------------------------------------------------------------
function timeOf(ts) {
  const date = new Date(Number(ts.split(".")[0]) * 1000);
  return date.toLocaleString("en-GB", {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC",
  });
}

function messageNode(message) {
  const snapshot = page.snapshot;
  const author = snapshot.users.find((u) => u.id === message.author);
  const isBot = !author;
  const name = isBot ? snapshot.bot.name : author.name;
  const store = new StateStore();
  const onAction = (action) =>
    act({
      surface: { type: "message", channel: message.channel, ts: message.ts },
      action,
      state: store.values,
    });
  const content = message.blocks.length
    ? renderBlocks(message.blocks, context(store, onAction))
    : el("div", "message-text", [mrkdwn(message.text, context(store, onAction).users)]);
  const meta = el("div", "message-meta", [
    el("span", "author", [name]),
    isBot ? el("span", "app-badge", ["APP"]) : null,
    el("span", "time", [timeOf(message.ts)]),
    message.edited ? el("span", "edited", ["(edited)"]) : null,
  ]);
  const node = el("article", `message${message.ephemeral ? " ephemeral" : ""} kind-${message.kind}`, [
    el("div", `avatar${isBot ? " bot" : ""}`, [name[0]]),
    el("div", "message-body", [
      meta,
      el("div", "message-content", [content]),
      message.ephemeral ? el("div", "ephemeral-note", ["Only visible to you"]) : null,
    ]),
  ]);
  node.dataset.testid = "message";
  node.setAttribute("data-testid", "message");
  node.dataset.ts = message.ts;
  return node;
}

function renderMessages(list) {
  const container = $("messages");
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const seen = new Map();
  const nodes = list.map((message) => {
    const key = `${message.channel}|${message.ts}`;
    const signature = JSON.stringify(message);
    const known = page.messages.get(key);
    const entry = known && known.signature === signature
      ? known
      : { signature, node: messageNode(message) };
    seen.set(key, entry);
    return entry.node;
  });
  page.messages = seen;
  const current = [...container.children];
  if (current.length !== nodes.length || current.some((node, i) => node !== nodes[i])) {
    container.replaceChildren(...nodes);
    if (!nodes.length) container.append(el("div", "empty", [emptyText()]));
    if (atBottom || current.length < nodes.length) container.scrollTop = container.scrollHeight;
  }
}

function emptyText() {
  return page.view === "channel"
    ? "Nothing here yet. Type /boundary help below."
    : "No messages from boundary-bot yet. Declaration prompts and nudge digests arrive here.";
}

// ---- App Home --------------------------------------------------------------------------
function renderHome() {
  const home = page.snapshot.home;
  const key = JSON.stringify(home);
  if (key === page.homeKey) return;
  page.homeKey = key;
  const container = $("home");
  if (!home) {
    container.replaceChildren(el("div", "empty", ["Opening the Home tab…"]));
    return;
  }
  const store = new StateStore();
  const onAction = (action) =>
    act({ surface: { type: "view", view_id: home.id }, action, state: store.values });
  container.replaceChildren(renderBlocks(home.blocks, context(store, onAction)));
}

// ---- modals ----------------------------------------------------------------------------
function renderModal() {
  const modal = page.snapshot.modal;
  const key = JSON.stringify(modal);
  if (key === page.modalKey) return;
  page.modalKey = key;
  const root = $("modal-root");
  if (!modal) {
    root.replaceChildren();
    return;
  }
  const view = modal.view;
  const store = new StateStore();
  const onAction = (action) =>
    act({ surface: { type: "view", view_id: view.id }, action, state: store.values });
  let body = renderBlocks(view.blocks, context(store, onAction, modal.errors));
  const close = async () => {
    root.replaceChildren();
    await api("/api/view", { user: page.user, view_id: view.id, closed: true, state: store.values });
    soon();
  };
  const submit = async () => {
    const missing = missingInputs(view.blocks, store);
    if (Object.keys(missing).length) {
      // Shown until the next submit: the page's polling must not redraw the modal and wipe it.
      const marked = renderBlocks(view.blocks, context(store, onAction, missing));
      body.replaceWith(marked);
      body = marked;
      return;
    }
    const answer = await api("/api/view", { user: page.user, view_id: view.id, state: store.values });
    if (!answer.ok) toast(`The bot answered ${answer.status || answer.error}`);
    soon();
  };
  const closeX = el("button", "modal-x", ["×"]);
  closeX.type = "button";
  closeX.setAttribute("aria-label", "Close");
  closeX.onclick = close;
  const footer = el("div", "modal-footer");
  const cancel = el("button", "bk-button", [view.close?.text || "Cancel"]);
  cancel.type = "button";
  cancel.onclick = close;
  footer.append(cancel);
  if (view.submit) {
    const ok = el("button", "bk-button primary", [view.submit.text]);
    ok.type = "submit";
    footer.append(ok);
  }
  const form = el("form", "modal", [
    el("div", "modal-header", [el("h2", "modal-title", [view.title?.text || ""]), closeX]),
    el("div", "modal-body", [body]),
    footer,
  ]);
  form.setAttribute("role", "dialog");
  form.setAttribute("aria-label", view.title?.text || "Modal");
  form.dataset.testid = "modal";
  form.setAttribute("data-testid", "modal");
  form.onsubmit = (event) => {
    event.preventDefault();
    submit();
  };
  root.replaceChildren(el("div", "modal-backdrop", [form]));
}

// ---- the whole page ----------------------------------------------------------------------
function renderChrome() {
  const snapshot = page.snapshot;
  const switcher = $("user-switcher");
  if (!switcher.options.length) {
    for (const user of snapshot.users) {
      const option = el("option", null, [`${user.name} (${user.role})`]);
      option.value = user.id;
      switcher.append(option);
    }
  }
  switcher.value = page.user;
  $("clock").textContent = snapshot.now.replace("T", " ").replace("+00:00", " UTC");
  const inApp = page.view !== "channel";
  const dms = snapshot.dm.messages.length;
  if (page.view === "messages") page.seenDms = dms;
  $("nav-app").classList.toggle("unread", dms > page.seenDms);
  $("nav-channel").classList.toggle("active", !inApp);
  $("nav-app").classList.toggle("active", inApp);
  $("pane-title").textContent = inApp ? "boundary-bot" : `# ${snapshot.channel.name}`;
  $("app-tabs").hidden = !inApp;
  $("tab-home").setAttribute("aria-selected", String(page.view === "home"));
  $("tab-messages").setAttribute("aria-selected", String(page.view === "messages"));
  $("messages").hidden = page.view === "home";
  $("home").hidden = page.view !== "home";
  $("composer").hidden = page.view === "home";
}

function render() {
  if (!page.snapshot) return;
  renderChrome();
  if (page.view === "home") renderHome();
  else renderMessages(page.view === "channel" ? page.snapshot.channel.messages : page.snapshot.dm.messages);
  renderModal();
}

async function refresh() {
  if (page.inFlight) return;
  page.inFlight = true;
  try {
    const snapshot = await api(`/api/state?user=${encodeURIComponent(page.user)}`);
    if (snapshot.me === page.user) page.snapshot = snapshot;
    render();
  } catch (error) {
    toast("The playground server stopped answering.");
  } finally {
    page.inFlight = false;
  }
}

async function show(view) {
  page.view = view;
  page.messages = new Map();
  page.homeKey = null;
  $("messages").replaceChildren();
  render();
  if (view === "home") {
    // Slack sends app_home_opened each time someone opens the tab.
    await api("/api/home", { user: page.user });
    soon();
  }
  refresh();
}

async function switchUser(user) {
  page.user = user;
  page.snapshot = null;
  page.seenDms = 0;
  page.modalKey = null;
  await show(page.view);
}

function wire() {
  for (const button of document.querySelectorAll("[data-view]")) {
    button.onclick = () => show(button.dataset.view);
  }
  $("user-switcher").onchange = (event) => switchUser(event.target.value);
  $("composer").onsubmit = async (event) => {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    const channel = page.view === "channel" ? page.snapshot.channel.id : page.snapshot.dm.id;
    await api("/api/command", { user: page.user, text, channel });
    soon();
  };
  $("run-nudges").onclick = async () => {
    const answer = await api("/api/nudges", {});
    toast(answer.ok ? `Nudge cycle ran: ${answer.result}` : `Nudge cycle failed: ${answer.error}`);
    soon();
  };
  $("start-campaign").onclick = async () => {
    const answer = await api("/api/campaign", {});
    toast(answer.ok ? `Ada started ${answer.result}` : `No campaign: ${answer.error}`);
    soon();
  };
  for (const [id, days] of [["advance-day", 1], ["advance-week", 7]]) {
    $(id).onclick = async () => {
      const answer = await api("/api/clock", { days });
      toast(answer.ok ? `Clock moved to ${answer.now}` : `Could not move the clock: ${answer.error}`);
      soon();
    };
  }
}

async function start() {
  wire();
  const users = (await api("/api/users")).users;
  if (!users.some((u) => u.id === page.user)) {
    // Start as the integration owner: the person the bot talks to most.
    page.user = (users.find((u) => u.role === "integration owner") || users[0]).id;
  }
  await refresh();
  setInterval(refresh, POLL_MS);
}

start();
