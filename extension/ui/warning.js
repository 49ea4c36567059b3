// The warning page (warning.html#<url>): the verdict, its reasons, the redirect chain and "did you mean",
// built with DOM calls only (never innerHTML) so any hostile URL stays text. Proceeding is decided by the worker.

import { applyI18n, el, loadPageContext, renderUrl, send } from "./common.js";
import { proceedTarget } from "../lib/verdict.js";
import { trustedAdultMessage } from "../lib/share.js";

const raw = location.hash.slice(1);
const mode = new URLSearchParams(location.search).get("mode");
const $ = (id) => document.getElementById(id);

// verdict action -> page style, title and words
const VIEWS = {
  warn: { title: "titleWarn", heading: "headingWarn", lead: "leadWarn", proceed: "btnProceed" },
  caution: { title: "titleCaution", heading: "headingCaution", lead: "leadCaution", proceed: "btnContinue" },
  unverified: { title: "titleUnverified", heading: "headingUnverified", lead: "leadUnverified", proceed: "btnProceed" },
  safe: { title: "titleSafe", heading: "headingSafe", lead: "leadSafe", proceed: null },
  invalid: { title: "titleInvalid", heading: "headingInvalid", lead: "leadInvalid", proceed: null },
};
const KIND_TO_VIEW = { warn: "warn", caution: "caution", unverified: "unverified", notice: "unverified", allow: "safe", invalid: "invalid" };
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/u;

let t = (key) => key;
let lastResult = null;

function show(id, visible) {
  $(id).hidden = !visible;
}

function renderReasons(result) {
  const list = $("reason-list");
  list.replaceChildren();
  const reasons = Array.isArray(result.reasons) ? result.reasons : [];
  for (const reason of reasons) {
    if (!reason || typeof reason !== "object") continue;
    const item = el("li", { "data-code": typeof reason.code === "string" ? reason.code : "" }, el("strong", { text: reason.message || reason.code || "" }));
    if (reason.advice) item.append(el("p", { class: "advice", text: reason.advice }));
    list.append(item);
  }
  if (!list.childElementCount) list.append(el("li", { class: "muted", text: t("noReasons") }));
  $("score").textContent = Number.isFinite(result.score) ? t("scoreLabel", [result.score]) : "";
  show("reasons", true);
}

function renderRedirects(result) {
  const hops = Array.isArray(result.redirects) ? result.redirects.filter((h) => h && typeof h.url === "string") : [];
  const list = $("hop-list");
  list.replaceChildren();
  for (const hop of hops) {
    const item = el("li", {}, renderUrl(hop.url, t).box);
    const how = [hop.status, hop.via].filter((x) => x !== undefined && x !== null && x !== "").join(", ");
    if (how) item.append(el("span", { class: "muted", text: ` ${t("hopVia", [how])}` }));
    list.append(item);
  }
  show("redirects", hops.length > 1);
}

function renderSuggestion(result) {
  const host = typeof result.suggestion === "string" ? result.suggestion.toLowerCase() : "";
  if (!HOST_NAME.test(host)) return show("suggestion", false);
  $("suggestion-host").textContent = host;
  $("suggestion-go").textContent = t("suggestionGo", [host]);
  $("suggestion-go").onclick = () => location.assign(`https://${host}/`);
  show("suggestion", true);
}

function renderProceed(view, answer) {
  const box = $("proceed-box");
  box.replaceChildren();
  if (proceedTarget(raw) === null) {
    box.append(el("p", { class: "refused", "data-testid": "proceed-refused", text: t("proceedScheme") }));
    return;
  }
  if (!VIEWS[view].proceed) return;
  if (!answer.canProceed) {
    box.append(el("p", { class: "refused", "data-testid": "proceed-off", text: t("proceedOff") }));
    return;
  }
  const button = el("button", { type: "button", id: "proceed", class: "danger", text: t(VIEWS[view].proceed) });
  const status = el("p", { class: "muted", role: "status", text: t("proceedNote") });
  button.addEventListener("click", async () => {
    button.disabled = true;
    const done = await send({ type: "proceed", url: raw });
    if (!done.ok) {
      status.textContent = done.error === "scheme" ? t("proceedScheme") : t("proceedOff");
      button.disabled = false;
    }
  });
  box.append(button, status);
}

function render(view, answer) {
  const words = VIEWS[view];
  document.body.dataset.kind = view;
  document.title = `${t(words.title)} · Link Guard`;
  $("heading").textContent = t(words.heading);
  $("lead").textContent = t(words.lead);
  show("questions", view === "caution");
  show("retry", view === "unverified");
  show("open-safe", view === "safe" && proceedTarget(raw) !== null);
  $("back").className = view === "safe" ? "" : "primary";
  const result = answer.outcome && answer.outcome.result;
  lastResult = result || null;
  if (result) {
    renderReasons(result);
    renderRedirects(result);
    renderSuggestion(result);
  } else {
    ["reasons", "redirects", "suggestion"].forEach((id) => show(id, false));
  }
  renderProceed(view, answer);
  $("details").open = view === "invalid";
}

async function assess() {
  if (proceedTarget(raw) === null) return render("invalid", { canProceed: false });
  document.body.dataset.kind = "checking";
  const answer = await send({ type: "verdict", url: raw });
  if (!answer.ok) return render("unverified", { canProceed: false });
  render(KIND_TO_VIEW[answer.action.kind] || "unverified", answer);
}

async function tell() {
  const message = trustedAdultMessage({ url: raw, result: lastResult, t });
  show("share", true);
  $("share-text").value = message.text;
  const status = $("share-status");
  if (typeof navigator.share === "function") {
    try {
      await navigator.share(message);
      status.textContent = t("shareDone");
      return;
    } catch (error) {
      if (error && error.name === "AbortError") return; // the student closed the share sheet
    }
  }
  try {
    await navigator.clipboard.writeText(message.text);
    status.textContent = t("shareCopied");
  } catch {
    status.textContent = t("shareFallback");
    $("share-text").select();
  }
}

async function sendReport(event) {
  event.preventDefault();
  const form = $("report");
  const status = $("report-status");
  $("report-send").disabled = true;
  const answer = await send({ type: "report", url: raw, kind: new FormData(form).get("kind"), comment: $("report-comment").value });
  $("report-send").disabled = false;
  status.textContent = answer.ok ? t("reportSent", [answer.id]) : t("reportFailed", [answer.message || answer.error]);
  status.dataset.state = answer.ok ? "sent" : "failed";
}

async function main() {
  if (window.top !== window) {
    // A web page framing us could dress our buttons up as its own; show nothing usable.
    document.body.replaceChildren();
    t = (await loadPageContext()).t;
    document.body.append(el("p", { text: t("framed") }));
    return;
  }
  $("report").addEventListener("submit", sendReport); // before any await: no plain form submission
  const context = await loadPageContext();
  t = context.t;
  applyI18n(document, t);
  $("url").replaceChildren();
  const { box, notes } = renderUrl(raw, t);
  $("url").append(box);
  if (notes) $("url").append(notes);
  $("back").addEventListener("click", async () => {
    const done = await send({ type: "back" });
    if (!done.ok) history.back();
  });
  $("report-open").addEventListener("click", () => {
    show("report", true);
    $("report").scrollIntoView({ block: "nearest" });
  });
  $("tell").addEventListener("click", tell);
  $("retry").addEventListener("click", assess);
  $("open-safe").addEventListener("click", () => send({ type: "proceed", url: raw }));
  if (mode === "report") show("report", true);
  await assess();
  document.body.dataset.ready = "1";
}

main();
