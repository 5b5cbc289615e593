// Slack's mrkdwn to DOM nodes: bold, italics, strike, code, code blocks, quotes, links,
// mentions and a few emoji. Built with DOM calls and textContent only, never innerHTML, so
// nothing the bot sends can inject markup into the page.

const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", warning: "⚠️", bell: "🔔",
  zzz: "💤", key: "🔑", lock: "🔒", mag: "🔍", wave: "👋", busts_in_silhouette: "👥",
  bust_in_silhouette: "👤", robot_face: "🤖", hourglass: "⌛", hourglass_flowing_sand: "⏳",
  rotating_light: "🚨", memo: "📝", clipboard: "📋", inbox_tray: "📥", link: "🔗",
  information_source: "ℹ️", question: "❓", tada: "🎉", recycle: "♻️", wastebasket: "🗑️",
  office: "🏢", house: "🏠", calendar: "📅", arrows_counterclockwise: "🔄", shield: "🛡️",
  no_entry: "⛔", large_green_circle: "🟢", large_yellow_circle: "🟡", red_circle: "🔴",
  pushpin: "📌", eyes: "👀", construction: "🚧", gear: "⚙️", bar_chart: "📊",
  white_circle: "⚪", black_circle: "⚫", large_blue_circle: "🔵", large_orange_circle: "🟠",
  "+1": "👍", thumbsup: "👍", point_right: "👉", sparkles: "✨", fire: "🔥",
};

const SAFE_LINK = /^(https?:|mailto:)/i;

export function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function el(tag, className, children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children || []) node.append(child);
  return node;
}

// Text with line breaks kept, entities decoded.
function textNodes(text) {
  const nodes = [];
  decodeEntities(text).split("\n").forEach((line, index) => {
    if (index > 0) nodes.push(document.createElement("br"));
    if (line) nodes.push(document.createTextNode(line));
  });
  return nodes;
}

function angle(inside, users) {
  const [target, label] = splitOnce(inside, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = label || (users && users[id]) || id;
    const node = el("span", "mention", ["@" + name]);
    node.dataset.userId = id;
    return node;
  }
  if (target.startsWith("#")) {
    return el("span", "mention", ["#" + (label || target.slice(1))]);
  }
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0];
    if (["here", "channel", "everyone"].includes(special)) {
      return el("span", "mention", ["@" + special]);
    }
    return el("span", null, textNodes(label || special));
  }
  const href = decodeEntities(target);
  if (!SAFE_LINK.test(href)) return el("span", null, textNodes(label || target));
  const link = el("a", "link", textNodes(label || target));
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return link;
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

// Styles need a non-word character (or the edge) outside, and no space just inside.
const INLINE = [
  { re: /`([^`\n]+)`/, make: (m) => el("code", "code", textNodes(m[1])) },
  { re: /<([^<>\n]+)>/, make: (m, users) => angle(m[1], users) },
  { re: /(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])/, make: (m, u) => el("b", null, inline(m[1], u)) },
  { re: /(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])/, make: (m, u) => el("i", null, inline(m[1], u)) },
  { re: /(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])/, make: (m, u) => el("s", null, inline(m[1], u)) },
];

export function inline(text, users) {
  const nodes = [];
  let rest = text;
  while (rest) {
    let best = null;
    for (const pattern of INLINE) {
      const match = pattern.re.exec(rest);
      if (match && (best === null || match.index < best.match.index)) best = { pattern, match };
    }
    if (best === null) {
      nodes.push(...textNodes(emojify(rest)));
      break;
    }
    if (best.match.index > 0) nodes.push(...textNodes(emojify(rest.slice(0, best.match.index))));
    nodes.push(best.pattern.make(best.match, users));
    rest = rest.slice(best.match.index + best.match[0].length);
  }
  return nodes;
}

// Block-level mrkdwn: ``` code blocks, > quotes, then inline formatting.
export function mrkdwn(text, users) {
  const fragment = document.createDocumentFragment();
  const parts = String(text ?? "").split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      fragment.append(el("pre", "pre", textNodes(part.replace(/^\n/, ""))));
      return;
    }
    let quote = [];
    let plain = [];
    const flushPlain = () => {
      if (plain.length) fragment.append(el("span", null, inline(plain.join("\n"), users)));
      plain = [];
    };
    const flushQuote = () => {
      if (quote.length) fragment.append(el("blockquote", "quote", inline(quote.join("\n"), users)));
      quote = [];
    };
    for (const line of part.split("\n")) {
      const quoted = /^(&gt;|>) ?/.exec(line);
      if (quoted) {
        flushPlain();
        quote.push(line.slice(quoted[0].length));
      } else {
        flushQuote();
        plain.push(line);
      }
    }
    flushPlain();
    flushQuote();
  });
  return fragment;
}

// A Block Kit text object: mrkdwn, or plain_text with optional emoji.
export function textObject(object, users) {
  if (!object) return document.createDocumentFragment();
  if (object.type === "mrkdwn") return mrkdwn(object.text, users);
  const text = object.emoji === false ? object.text : emojify(String(object.text ?? ""));
  return el("span", null, String(text).split("\n").flatMap((line, i) =>
    i ? [document.createElement("br"), line] : [line]));
}

export function plainString(object) {
  if (!object) return "";
  return emojify(String(object.text ?? ""));
}
