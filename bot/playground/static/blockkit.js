// Block Kit to DOM: the layout blocks and interactive elements the bot uses, rendered the way
// Slack's client shows them. Interactive elements report to the surface's StateStore (what a
// submission or block_actions payload carries as `state.values`) and call `ctx.onAction` with
// the action object Slack would put in `actions[0]`.

import { plainString, textObject } from "./mrkdwn.js";

function el(tag, className, children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children || []) if (child != null) node.append(child);
  return node;
}

// What a surface's inputs hold, keyed like Slack's `view.state.values`.
export class StateStore {
  constructor() {
    this.values = {};
  }
  set(blockId, actionId, value) {
    (this.values[blockId] ||= {})[actionId] = value;
  }
  get(blockId, actionId) {
    return (this.values[blockId] || {})[actionId];
  }
}

function sameOption(a, b) {
  return a && b && a.value === b.value;
}

function allOptions(element) {
  if (element.options) return element.options;
  return (element.option_groups || []).flatMap((group) => group.options || []);
}

// Slack asks before a button or menu with a `confirm` object acts.
function confirmThen(ctx, confirm, act) {
  if (!confirm) return act();
  const dialog = el("div", "confirm", [
    el("div", "confirm-title", [plainString(confirm.title) || "Are you sure?"]),
    el("div", "confirm-text", [textObject(confirm.text, ctx.users)]),
  ]);
  const backdrop = el("div", "confirm-backdrop", [dialog]);
  const deny = el("button", "bk-button", [plainString(confirm.deny) || "Cancel"]);
  const ok = el("button", `bk-button ${confirm.style === "danger" ? "danger" : "primary"}`, [
    plainString(confirm.confirm) || "Yes",
  ]);
  deny.onclick = () => backdrop.remove();
  ok.onclick = () => {
    backdrop.remove();
    act();
  };
  dialog.append(el("div", "confirm-actions", [deny, ok]));
  document.body.append(backdrop);
}

function button(element, blockId, ctx) {
  const node = el("button", `bk-button ${element.style || ""}`.trim(), [
    plainString(element.text),
  ]);
  node.type = "button";
  node.dataset.actionId = element.action_id;
  if (element.url) node.title = element.url;
  node.onclick = () =>
    confirmThen(ctx, element.confirm, () => {
      if (element.url) window.open(element.url, "_blank", "noopener");
      const action = {
        type: "button",
        action_id: element.action_id,
        block_id: blockId,
        text: element.text,
        value: element.value,
      };
      if (element.style) action.style = element.style;
      ctx.onAction(action);
    });
  return node;
}

// Selects of every kind share one <select>; what differs is the options and the value's shape.
function selectChoices(element, ctx) {
  switch (element.type) {
    case "users_select":
      return ctx.userList.map((u) => ({ value: u.id, label: u.name }));
    case "conversations_select":
    case "channels_select":
      return ctx.channels.map((c) => ({ value: c.id, label: "#" + c.name }));
    default:
      return null;
  }
}

const SELECTED_KEY = {
  users_select: ["selected_user", "initial_user"],
  conversations_select: ["selected_conversation", "initial_conversation"],
  channels_select: ["selected_channel", "initial_channel"],
};

function select(element, blockId, ctx, dispatch, label) {
  const node = el("select", "bk-select");
  node.dataset.actionId = element.action_id;
  node.setAttribute("aria-label", label || plainString(element.placeholder) || "Select an item");
  const placeholder = el("option", null, [plainString(element.placeholder) || "Select an item"]);
  placeholder.value = "";
  placeholder.disabled = true;
  node.append(placeholder);
  const choices = selectChoices(element, ctx);
  const keys = SELECTED_KEY[element.type];
  let options = [];
  if (choices) {
    for (const choice of choices) {
      const option = el("option", null, [choice.label]);
      option.value = choice.value;
      node.append(option);
    }
    node.value = element[keys[1]] || "";
  } else {
    const groups = element.option_groups || [{ options: element.options || [] }];
    for (const group of groups) {
      const parent = group.label ? el("optgroup") : node;
      if (group.label) {
        parent.label = plainString(group.label);
        node.append(parent);
      }
      for (const option of group.options || []) {
        const opt = el("option", null, [plainString(option.text)]);
        opt.value = String(options.length);
        options.push(option);
        parent.append(opt);
      }
    }
    const initial = options.findIndex((o) => sameOption(o, element.initial_option));
    node.value = initial >= 0 ? String(initial) : "";
  }
  const current = () => {
    if (keys) return { type: element.type, [keys[0]]: node.value || null };
    const option = node.value === "" ? null : options[Number(node.value)];
    return { type: element.type, selected_option: option };
  };
  ctx.store.set(blockId, element.action_id, current());
  if (node.value === "") node.selectedIndex = 0;
  node.onchange = () => {
    const value = current();
    ctx.store.set(blockId, element.action_id, value);
    if (dispatch) {
      confirmThen(ctx, element.confirm, () =>
        ctx.onAction({ ...value, action_id: element.action_id, block_id: blockId,
          placeholder: element.placeholder }));
    }
  };
  return node;
}

function overflow(element, blockId, ctx) {
  const trigger = el("button", "bk-overflow", ["⋮"]);
  trigger.type = "button";
  trigger.setAttribute("aria-label", "More actions");
  trigger.dataset.actionId = element.action_id;
  const menu = el("div", "bk-menu");
  menu.hidden = true;
  for (const option of element.options || []) {
    const item = el("button", "bk-menu-item", [plainString(option.text)]);
    item.type = "button";
    item.setAttribute("role", "menuitem");
    item.onclick = () => {
      menu.hidden = true;
      confirmThen(ctx, element.confirm, () =>
        ctx.onAction({ type: "overflow", action_id: element.action_id, block_id: blockId,
          selected_option: option }));
    };
    menu.append(item);
  }
  trigger.onclick = () => (menu.hidden = !menu.hidden);
  return el("span", "bk-overflow-wrap", [trigger, menu]);
}

let choiceGroups = 0;

// Radio buttons and checkboxes: one choice, or many.
function choices(element, blockId, ctx, dispatch, label) {
  const many = element.type === "checkboxes";
  const group = `choice-${++choiceGroups}`;
  const node = el("div", "bk-choices");
  node.setAttribute("role", many ? "group" : "radiogroup");
  if (label) node.setAttribute("aria-label", label);
  node.dataset.actionId = element.action_id;
  const chosen = many
    ? [...(element.initial_options || [])]
    : element.initial_option
      ? [element.initial_option]
      : [];
  const value = () =>
    many
      ? { type: element.type, selected_options: chosen }
      : { type: element.type, selected_option: chosen[0] || null };
  ctx.store.set(blockId, element.action_id, value());
  for (const option of element.options || []) {
    const input = el("input");
    input.type = many ? "checkbox" : "radio";
    input.name = group;
    input.checked = chosen.some((c) => sameOption(c, option));
    input.onchange = () => {
      if (many) {
        const at = chosen.findIndex((c) => sameOption(c, option));
        if (input.checked && at < 0) chosen.push(option);
        if (!input.checked && at >= 0) chosen.splice(at, 1);
      } else {
        chosen.splice(0, chosen.length, option);
      }
      ctx.store.set(blockId, element.action_id, value());
      if (dispatch) {
        ctx.onAction({ ...value(), action_id: element.action_id, block_id: blockId });
      }
    };
    const label = el("label", "bk-choice", [
      input,
      el("span", null, [
        textObject(option.text, ctx.users),
        option.description
          ? el("div", "bk-choice-description", [textObject(option.description, ctx.users)])
          : null,
      ]),
    ]);
    node.append(label);
  }
  return node;
}

function textInput(element, blockId, ctx, label) {
  const node = el(element.multiline ? "textarea" : "input", "bk-input");
  if (!element.multiline) node.type = "text";
  node.dataset.actionId = element.action_id;
  if (label) node.setAttribute("aria-label", label);
  node.placeholder = plainString(element.placeholder);
  node.value = element.initial_value || "";
  if (element.max_length) node.maxLength = element.max_length;
  const update = () =>
    ctx.store.set(blockId, element.action_id, {
      type: "plain_text_input",
      value: node.value === "" ? null : node.value,
    });
  update();
  node.oninput = update;
  return node;
}

function datepicker(element, blockId, ctx) {
  const node = el("input", "bk-input bk-date");
  node.type = "date";
  node.dataset.actionId = element.action_id;
  node.value = element.initial_date || "";
  const update = () =>
    ctx.store.set(blockId, element.action_id, {
      type: "datepicker",
      selected_date: node.value || null,
    });
  update();
  node.onchange = update;
  return node;
}

function image(element) {
  // No network at run time: images show as their alt text in a frame.
  const node = el("span", "bk-image", [element.alt_text || "image"]);
  node.title = element.image_url || "";
  return node;
}

// `dispatch`: whether changing the element sends block_actions right away (it does in
// messages and the Home tab; in an input block only when `dispatch_action` is set).
export function element(element, blockId, ctx, { dispatch = true, label = "" } = {}) {
  switch (element.type) {
    case "button":
      return button(element, blockId, ctx);
    case "static_select":
    case "external_select":
    case "users_select":
    case "conversations_select":
    case "channels_select":
      return select(element, blockId, ctx, dispatch, label);
    case "overflow":
      return overflow(element, blockId, ctx);
    case "radio_buttons":
    case "checkboxes":
      return choices(element, blockId, ctx, dispatch, label);
    case "plain_text_input":
      return textInput(element, blockId, ctx, label);
    case "datepicker":
      return datepicker(element, blockId, ctx);
    case "image":
      return image(element);
    case "plain_text":
    case "mrkdwn":
      return el("span", null, [textObject(element, ctx.users)]);
    default:
      return el("span", "bk-unsupported", [`[${element.type}]`]);
  }
}

function section(block, ctx) {
  const body = el("div", "bk-section-body");
  if (block.text) body.append(el("div", "bk-section-text", [textObject(block.text, ctx.users)]));
  if (block.fields?.length) {
    body.append(
      el("div", "bk-fields", block.fields.map((f) => el("div", "bk-field", [textObject(f, ctx.users)]))),
    );
  }
  const node = el("div", "bk-section", [body]);
  if (block.accessory) {
    node.append(el("div", "bk-accessory", [element(block.accessory, block.block_id, ctx)]));
  }
  return node;
}

function input(block, ctx) {
  const label = plainString(block.label);
  const error = ctx.errors?.[block.block_id];
  const node = el("div", `bk-input-block${error ? " has-error" : ""}`, [
    el("label", "bk-label", [label, block.optional ? el("span", "bk-optional", [" (optional)"]) : null]),
    element(block.element, block.block_id, ctx, {
      dispatch: Boolean(block.dispatch_action),
      label,
    }),
    block.hint ? el("div", "bk-hint", [plainString(block.hint)]) : null,
    error ? el("div", "bk-error", [error]) : null,
  ]);
  node.dataset.blockId = block.block_id;
  node.dataset.optional = block.optional ? "true" : "false";
  node.dataset.actionId = block.element.action_id;
  return node;
}

function richText(block, ctx) {
  // Enough of rich_text for what bots send: sections, quotes, preformatted and lists.
  const leaf = (item) => {
    if (item.type === "user") return el("span", "mention", ["@" + (ctx.users[item.user_id] || item.user_id)]);
    if (item.type === "link") {
      const a = el("a", "link", [item.text || item.url]);
      if (/^https?:/i.test(item.url)) a.href = item.url;
      return a;
    }
    const styled = item.style || {};
    let node = document.createTextNode(item.text || (item.type === "emoji" ? `:${item.name}:` : ""));
    if (styled.code) node = el("code", "code", [node]);
    if (styled.bold) node = el("b", null, [node]);
    if (styled.italic) node = el("i", null, [node]);
    if (styled.strike) node = el("s", null, [node]);
    return node;
  };
  const part = (p) => {
    const kids = (p.elements || []).map((e) => (e.elements ? part(e) : leaf(e)));
    if (p.type === "rich_text_quote") return el("blockquote", "quote", kids);
    if (p.type === "rich_text_preformatted") return el("pre", "pre", kids);
    if (p.type === "rich_text_list") {
      return el(p.style === "ordered" ? "ol" : "ul", null, kids.map((k) => el("li", null, [k])));
    }
    return el("div", null, kids);
  };
  return el("div", "bk-rich-text", (block.elements || []).map(part));
}

export function renderBlock(block, ctx) {
  let node;
  switch (block.type) {
    case "header":
      node = el("div", "bk-header", [plainString(block.text)]);
      break;
    case "section":
      node = section(block, ctx);
      break;
    case "context":
      node = el(
        "div",
        "bk-context",
        (block.elements || []).map((e) =>
          e.type === "image" ? image(e) : el("span", null, [textObject(e, ctx.users)]),
        ),
      );
      break;
    case "divider":
      node = el("hr", "bk-divider");
      break;
    case "actions":
      node = el(
        "div",
        "bk-actions",
        (block.elements || []).map((e) => element(e, block.block_id, ctx)),
      );
      break;
    case "input":
      node = input(block, ctx);
      break;
    case "image":
      node = el("div", "bk-image-block", [
        block.title ? el("div", "bk-image-title", [plainString(block.title)]) : null,
        image(block),
      ]);
      break;
    case "rich_text":
      node = richText(block, ctx);
      break;
    default:
      node = el("div", "bk-unsupported", [`[${block.type} block]`]);
  }
  node.classList.add("bk-block");
  node.dataset.blockType = block.type;
  if (block.block_id) node.dataset.blockId = block.block_id;
  return node;
}

export function renderBlocks(blocks, ctx) {
  return el("div", "bk-blocks", (blocks || []).map((b) => renderBlock(b, ctx)));
}

// Slack's client refuses to submit a modal while a required input is empty.
export function missingInputs(blocks, store) {
  const missing = {};
  for (const block of blocks || []) {
    if (block.type !== "input" || block.optional) continue;
    const value = store.get(block.block_id, block.element.action_id) || {};
    const filled = Object.entries(value).some(
      ([key, v]) => key !== "type" && v !== null && v !== "" && !(Array.isArray(v) && !v.length),
    );
    if (!filled) missing[block.block_id] = "Please complete this required field.";
  }
  return missing;
}
