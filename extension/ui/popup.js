// Popup: the current tab's verdict, a box to check a pasted link or message without opening it, and report.

import { applyI18n, el, ext, loadPageContext, renderUrl, send, VERDICT_LABEL } from "./common.js";
import { mainReason } from "../lib/share.js";
import { isSingleLink } from "../lib/messagetext.js";

const $ = (id) => document.getElementById(id);
let t = (key) => key;

function openOurPage(url, mode) {
  const page = `${ext.runtime.getURL("warning.html")}${mode ? `?mode=${mode}` : ""}#${url}`;
  ext.tabs.create({ url: page });
  window.close();
}

/** Fill one verdict block from a worker answer; returns the checked URL or null. */
function showVerdict(prefix, answer) {
  const verdictNode = $(`${prefix}-verdict`);
  const reasonNode = $(`${prefix}-reason`);
  if (!answer.ok) {
    verdictNode.dataset.verdict = "unknown";
    verdictNode.textContent = answer.error === "invalid_url" ? t("popupInvalid") : t("popupServiceDown");
    reasonNode.textContent = "";
    return null;
  }
  if (!answer.url) {
    verdictNode.dataset.verdict = "unknown";
    verdictNode.textContent = t("popupNotWeb");
    reasonNode.textContent = "";
    return null;
  }
  const result = answer.outcome && answer.outcome.result;
  const verdict = result ? result.verdict : "unknown";
  verdictNode.dataset.verdict = verdict;
  verdictNode.textContent = result ? t(VERDICT_LABEL[verdict] || "verdictUnknown") : t("popupServiceDown");
  reasonNode.textContent = result ? mainReason(result) : "";
  return answer.url;
}

async function currentTabId() {
  const forced = new URLSearchParams(location.search).get("tab"); // popup.html?tab=<id> opened as a page
  if (forced !== null && /^\d+$/u.test(forced)) return Number(forced);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : null;
}

async function showCurrent() {
  const tabId = await currentTabId();
  const answer = tabId === null ? { ok: true, url: null } : await send({ type: "tabStatus", tabId });
  const url = showVerdict("current", answer);
  if (!url) return;
  $("current-url").replaceChildren(renderUrl(url, t).box);
  $("current-details").hidden = false;
  $("current-report").hidden = false;
  $("current-details").onclick = () => openOurPage(url, "check");
  $("current-report").onclick = () => openOurPage(url, "report");
}

/** A pasted message (not a single link): its verdict here, its full result on the message page. */
async function checkMessage(text) {
  $("check-go").disabled = true;
  const answer = await send({ type: "checkText", text });
  $("check-go").disabled = false;
  $("check-result").hidden = false;
  $("check-url-view").replaceChildren(el("span"));
  const result = answer.ok ? answer.result : null;
  const verdict = result && Object.hasOwn(VERDICT_LABEL, result.verdict) ? result.verdict : "unknown";
  $("check-verdict").dataset.verdict = verdict;
  $("check-verdict").textContent = result ? t(VERDICT_LABEL[verdict] || "verdictUnknown") : t("popupServiceDown");
  $("check-reason").textContent = result ? mainReason(result) : "";
  $("check-details").hidden = !result;
  $("check-report").hidden = true; // reports are about links; the message page lists them
  $("check-details").onclick = async () => {
    await send({ type: "openMessage", text });
    window.close();
  };
}

async function checkPasted(event) {
  event.preventDefault();
  const input = $("check-url").value.trim();
  if (!input) return;
  if (!isSingleLink(input)) return checkMessage(input);
  $("check-go").disabled = true;
  const answer = await send({ type: "check", url: /^[a-z][a-z0-9+.-]*:/iu.test(input) ? input : `https://${input}` });
  $("check-go").disabled = false;
  $("check-result").hidden = false;
  const url = showVerdict("check", answer);
  $("check-url-view").replaceChildren(url ? renderUrl(url, t).box : el("span"));
  $("check-details").hidden = !url;
  $("check-report").hidden = !url;
  $("check-details").onclick = () => openOurPage(url, "check");
  $("check-report").onclick = () => openOurPage(url, "report");
}

async function main() {
  // Listeners first: a fast click must never fall through to a plain form submission.
  $("check").addEventListener("submit", checkPasted);
  $("options").addEventListener("click", () => ext.runtime.openOptionsPage());
  ({ t } = await loadPageContext());
  applyI18n(document, t);
  await showCurrent();
  document.body.dataset.ready = "1";
}

main();
