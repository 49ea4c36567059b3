// The check page: paste a link or a whole message, one button, the verdict and what to do.
// Everything the service answers is shown with textContent / DOM nodes, never as HTML: a scam
// message and its links are hostile text. Shared text (Android "Share -> Link Guard", the
// manifest's share_target) arrives as ?text=&url=&title= and is checked at once.

const TEXTS = {
  vi: {
    title: "Kiểm tra link và tin nhắn",
    label: "Dán link hoặc cả tin nhắn bạn nhận được",
    placeholder: "Ví dụ: Em đang liên quan đến một vụ án, không được nói với bố mẹ…",
    button: "Kiểm tra",
    checking: "Đang kiểm tra…",
    empty: "Hãy dán một link hoặc một tin nhắn trước.",
    failed: "Không kiểm tra được lúc này. Hãy thử lại, và hỏi người lớn nếu bạn lo lắng.",
    reasons: "Vì sao",
    links: "Các link trong tin nhắn",
    todo: "Nên làm gì",
    nos: "3 Không",
    musts: "3 Phải",
    no1: "Không tham gia link lạ, cuộc gọi Zoom hay gặp người lạ.",
    no2: "Không chia sẻ thông tin cá nhân hay ảnh nhạy cảm.",
    no3: "Không giữ bí mật với gia đình.",
    must1: "Phải chặn và báo cáo.",
    must2: "Phải xác minh qua số điện thoại bạn đã biết.",
    must3: "Phải chia sẻ với gia đình.",
    privacy: "Tin nhắn chỉ được dùng để kiểm tra, không được lưu lại.",
    score: "Điểm rủi ro: {score}/100",
    safe: "Chưa thấy dấu hiệu nguy hiểm",
    suspicious: "Hãy cẩn thận: tin nhắn có dấu hiệu đáng ngờ",
    dangerous: "Nguy hiểm: đây có thể là lừa đảo",
    safeHint: "Vẫn hãy cẩn thận với người lạ. Nếu thấy lo, hãy hỏi bố mẹ hoặc thầy cô.",
    linkSafe: "an toàn",
    linkSuspicious: "đáng ngờ",
    linkDangerous: "nguy hiểm",
    switchTo: "English",
  },
  en: {
    title: "Check a link or a message",
    label: "Paste a link or the whole message you received",
    placeholder: "For example: You are part of a criminal case, don't tell your parents…",
    button: "Check",
    checking: "Checking…",
    empty: "Paste a link or a message first.",
    failed: "Could not check right now. Try again, and ask an adult if you are worried.",
    reasons: "Why",
    links: "Links in the message",
    todo: "What to do",
    nos: "The 3 Nos",
    musts: "The 3 Musts",
    no1: "No joining strange links, Zoom calls or meeting strangers.",
    no2: "No sharing personal information or sensitive photos.",
    no3: "No keeping secrets from your family.",
    must1: "Must block and report.",
    must2: "Must verify through a number you already know.",
    must3: "Must share with family.",
    privacy: "The message is only used for this check and is not kept.",
    score: "Risk score: {score}/100",
    safe: "No danger found",
    suspicious: "Be careful: this message looks suspicious",
    dangerous: "Dangerous: this is probably a scam",
    safeHint: "Still take care with strangers. If you feel worried, ask a parent or teacher.",
    linkSafe: "safe",
    linkSuspicious: "suspicious",
    linkDangerous: "dangerous",
    switchTo: "Tiếng Việt",
  },
};
const LINK_LABEL = { safe: "linkSafe", suspicious: "linkSuspicious", dangerous: "linkDangerous" };
const MAX_BYTES = 8192;

const $ = (id) => document.getElementById(id);
let lang = "vi";
let last = null; // the last answer, re-rendered when the language changes
let lastText = ""; // and checked again then, so the service's reasons come in that language too

function t(key, values = {}) {
  const text = (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.vi[key] || key;
  return text.replace(/\{(\w+)\}/gu, (_, name) => String(values[name] ?? ""));
}

const PROPS = new Set(["textContent", "className", "hidden"]); // never any HTML-parsing property

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (PROPS.has(key)) node[key] = value;
    else throw new Error(`el(): ${key} is not allowed`);
  }
  node.append(...children);
  return node;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = `Link Guard: ${t("title")}`;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  $("lang").textContent = t("switchTo");
  $("lang").lang = lang === "vi" ? "en" : "vi";
  if (last) render(last);
}

function reasonItem(reason) {
  return el("li", {}, el("p", { textContent: String(reason.message || "") }),
    el("p", { className: "advice", textContent: String(reason.advice || "") }));
}

function linkItem(link) {
  const verdict = ["safe", "suspicious", "dangerous"].includes(link.verdict) ? link.verdict : "safe";
  const first = Array.isArray(link.reasons) && link.reasons.length ? link.reasons[0] : null;
  const item = el("li", { dataset: { verdict } },
    el("span", { className: "badge", dataset: { verdict }, textContent: t(LINK_LABEL[verdict]) }), " ",
    el("span", { className: "url", textContent: String(link.url || "") }));
  if (first && verdict !== "safe") item.append(el("p", { className: "muted", textContent: String(first.message || "") }));
  return item;
}

function render(answer) {
  const verdict = ["safe", "suspicious", "dangerous"].includes(answer.verdict) ? answer.verdict : "unknown";
  const box = $("result");
  box.hidden = false;
  box.dataset.verdict = verdict;
  $("verdict").textContent = verdict === "unknown" ? t("failed") : t(verdict);
  $("score").textContent = Number.isInteger(answer.score) ? t("score", { score: answer.score }) : "";
  const reasons = Array.isArray(answer.reasons) ? answer.reasons : [];
  $("reasons").replaceChildren(...reasons.map(reasonItem));
  if (verdict === "safe" && !reasons.length) $("reasons").append(el("li", { textContent: t("safeHint") }));
  $("reasons-title").hidden = !$("reasons").children.length;
  const links = Array.isArray(answer.links) ? answer.links : [];
  $("links").replaceChildren(...links.map(linkItem));
  $("links-title").hidden = !links.length;
}

async function check(text) {
  lastText = text;
  $("status").textContent = "";
  if (!text.trim()) {
    $("status").textContent = t("empty");
    return;
  }
  if (new TextEncoder().encode(text).length > MAX_BYTES) text = cutToBytes(text, MAX_BYTES);
  $("go").disabled = true;
  $("status").textContent = t("checking");
  try {
    const response = await fetch("/v1/check/text", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ text, lang, resolve: "auto" }),
      credentials: "omit",
      cache: "no-store",
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer && answer.error ? answer.error.code : `HTTP ${response.status}`);
    last = answer;
    $("status").textContent = "";
    render(answer);
    $("result").scrollIntoView({ block: "start", behavior: "smooth" });
  } catch {
    $("status").textContent = t("failed");
  } finally {
    $("go").disabled = false;
  }
}

function cutToBytes(text, limit) {
  const encoder = new TextEncoder();
  let out = "";
  for (const char of text) {
    if (encoder.encode(out + char).length > limit) break;
    out += char;
  }
  return out;
}

/** Text shared into the page (share_target GET): title, text and url joined, then dropped from the address bar. */
function sharedText() {
  const params = new URLSearchParams(location.search);
  const parts = ["title", "text", "url"].map((name) => params.get(name) || "").filter(Boolean);
  if (parts.length) history.replaceState(null, "", location.pathname); // keep the message out of history
  return [...new Set(parts)].join("\n");
}

function main() {
  // Listeners first: a fast tap must never fall through to a plain form submission.
  $("check").addEventListener("submit", (event) => {
    event.preventDefault();
    check($("text").value);
  });
  $("lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    try { localStorage.setItem("lang", lang); } catch { /* storage off: this visit only */ }
    applyLanguage();
    if (last && lastText) check(lastText);
  });
  try { lang = localStorage.getItem("lang") === "en" ? "en" : "vi"; } catch { lang = "vi"; }
  applyLanguage();
  const shared = sharedText();
  if (shared) {
    $("text").value = shared;
    check(shared);
  }
  document.body.dataset.ready = "1";
}

main();
