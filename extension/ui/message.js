// The message result page (message.html#<id>): a selected or pasted message, its verdict, its reasons and
// each link's verdict. Built with DOM calls only (textContent, never innerHTML): the message is hostile text.

import { applyI18n, el, ext, loadPageContext, renderUrl, send, VERDICT_LABEL } from "./common.js";
import { proceedTarget } from "../lib/verdict.js";

const $ = (id) => document.getElementById(id);
const KIND = { safe: "safe", suspicious: "caution", dangerous: "warn" };
const HEADING = { safe: "messageSafe", suspicious: "messageSuspicious", dangerous: "messageDangerous" };
let t = (key) => key;

function renderReasons(result) {
  const list = $("reason-list");
  const reasons = Array.isArray(result.reasons) ? result.reasons.filter((r) => r && typeof r === "object") : [];
  list.replaceChildren(...reasons.map((reason) => {
    const item = el("li", { "data-code": typeof reason.code === "string" ? reason.code : "" }, el("strong", { text: reason.message || reason.code || "" }));
    if (reason.advice) item.append(el("p", { class: "advice", text: reason.advice }));
    return item;
  }));
  if (!list.childElementCount) list.append(el("li", { class: "muted", text: t("noReasons") }));
  $("score").textContent = Number.isFinite(result.score) ? t("scoreLabel", [result.score]) : "";
  $("reasons").hidden = false;
}

function renderLinks(result) {
  const links = Array.isArray(result.links) ? result.links.filter((l) => l && typeof l.url === "string") : [];
  $("link-list").replaceChildren(...links.map((link) => {
    const verdict = Object.hasOwn(VERDICT_LABEL, link.verdict) ? link.verdict : "safe";
    const item = el("li", { "data-verdict": verdict }, el("span", { class: "verdict-chip", "data-verdict": verdict, text: t(VERDICT_LABEL[verdict]) }), renderUrl(link.url, t).box);
    const target = proceedTarget(link.canonical_url);
    if (target !== null) {
      const details = el("button", { type: "button", text: t("popupDetails") });
      details.addEventListener("click", () => ext.tabs.create({ url: `${ext.runtime.getURL("warning.html")}?mode=check#${target}` }));
      item.append(details);
    }
    return item;
  }));
  $("links").hidden = !links.length;
}

async function run() {
  const id = location.hash.slice(1);
  $("retry").hidden = true;
  const answer = await send({ type: "checkText", id });
  if (answer.ok && typeof answer.text === "string") $("message").textContent = answer.text;
  const result = answer.ok ? answer.result : null;
  if (!result || !Object.hasOwn(KIND, result.verdict)) {
    document.body.dataset.kind = "unverified";
    $("heading").textContent = t(answer.error === "gone" ? "messageGone" : "messageUnverified");
    $("lead").textContent = answer.error === "gone" ? "" : t("leadUnverified");
    $("retry").hidden = answer.error === "gone";
    return;
  }
  document.body.dataset.kind = KIND[result.verdict];
  document.body.dataset.verdict = result.verdict;
  $("heading").textContent = t(HEADING[result.verdict]);
  $("lead").textContent = t(result.verdict === "safe" ? "messageLeadSafe" : "messageLeadWarn");
  document.title = `Link Guard: ${t(HEADING[result.verdict])}`;
  renderReasons(result);
  renderLinks(result);
}

async function main() {
  $("retry").addEventListener("click", () => run().catch(() => {}));
  ({ t } = await loadPageContext());
  applyI18n(document, t);
  await run();
  document.body.dataset.ready = "1";
}

main();
