// Firefox only: a blocking webRequest listener holds each top-level request until its check answers, so a
// bad link never seen before is stopped before a single byte leaves. Chromium (no webRequestBlocking in MV3
// for ordinary installs) never registers it and relies on the navigation check and session rules instead.

import { ext, warningUrl } from "./browser.js";
import { getSettings } from "./state.js";
import { check } from "./checker.js";
import { proceedsTo } from "./blocking.js";
import { CHECK_TIMEOUT_MS } from "../lib/api.js";
import { holdAnswer, LET_GO, withinDeadline } from "../lib/hold.js";
import { actionFor, blocksNavigation, cacheUrl, isCheckable } from "../lib/verdict.js";

const FILTER = { urls: ["http://*/*", "https://*/*"], types: ["main_frame"] };

/** Whether this browser lets the extension hold a request: the API is there and the manifest asked for it. */
export function canHoldRequests() {
  const permissions = ext.runtime.getManifest().permissions || [];
  return Boolean(ext.webRequest && ext.webRequest.onBeforeRequest) && permissions.includes("webRequestBlocking");
}

// tabId -> {url, at, decided: Promise<boolean>}: the tab's newest held request, and whether the hold settled it
// for good (sent to the warning page, or let through for "proceed once"). Firefox reports a request here
// before webNavigation.onBeforeNavigate, and may report that start twice (a process switch). An entry only
// speaks for the navigation it held: a later one without a request (a page from the back-forward cache) is
// the navigation check's again once HOLD_SPEAKS_MS have passed.
const holds = new Map();
const HOLD_SPEAKS_MS = 2 * CHECK_TIMEOUT_MS + 2000;

/**
 * What to do with one top-level request: {} lets it go, {redirectUrl} sends the tab to the warning page
 * instead, before the request is sent. The navigation check (navigation.js) runs beside it on the same single
 * flight, so this adds no second service call; it keeps the tab's state, badge and "back to safety".
 */
export async function decideRequest(details) {
  const url = cacheUrl(details.url);
  if (url === null || details.tabId < 0) return LET_GO;
  const settings = await getSettings();
  if (!isCheckable(details.url, settings.values.serviceUrl)) return LET_GO;
  // The student's "open it anyway, just this once": the page loads, and the navigation check must not undo it.
  if (await proceedsTo(details.tabId, url)) return holdAnswer({ proceeding: true });
  const outcome = await withinDeadline(check(url, { need: "navigation" }), CHECK_TIMEOUT_MS);
  const blocks = blocksNavigation(actionFor(outcome, settings.values));
  return holdAnswer({ proceeding: false, blocks, warning: warningUrl(url) });
}

function onBeforeRequest(details) {
  const work = decideRequest(details).catch((error) => {
    console.warn("Link Guard: request hold failed", error);
    return LET_GO; // a bug here must not take the student's browsing down with it
  });
  holds.set(details.tabId, { url: cacheUrl(details.url), at: Date.now(), decided: work.then((d) => d.final) });
  return work.then((d) => ({ ...d.response })); // a fresh object for the browser to read
}

/**
 * For the navigation check: whether the hold already settled this tab's request for `url` (it sent the tab
 * to the warning page, or let a "proceed once" through), so the check must not navigate the tab itself.
 * false at once when no hold speaks for it (always on Chromium: no extra await there), else a Promise<boolean>.
 */
export function settledByHold(tabId, url) {
  const hold = holds.get(tabId);
  if (!hold || hold.url !== url || Date.now() - hold.at > HOLD_SPEAKS_MS) return false;
  return hold.decided;
}

/** Register the blocking listener where the browser supports it; a no-op on Chromium. */
export function register() {
  if (!canHoldRequests()) return false;
  ext.webRequest.onBeforeRequest.addListener(onBeforeRequest, FILTER, ["blocking"]);
  return true;
}
