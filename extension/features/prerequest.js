// Firefox only: a blocking webRequest listener holds each top-level request until its check answers, so a
// bad link never seen before is stopped before a single byte leaves. Chromium (no webRequestBlocking in MV3
// for ordinary installs) never registers it and relies on the navigation check and session rules instead.

import { ext, warningUrl } from "./browser.js";
import { getSettings } from "./state.js";
import { check } from "./checker.js";
import { proceedsTo } from "./blocking.js";
import { CHECK_TIMEOUT_MS } from "../lib/api.js";
import { actionFor, blocksNavigation, cacheUrl, isCheckable } from "../lib/verdict.js";

const FILTER = { urls: ["http://*/*", "https://*/*"], types: ["main_frame"] };

/** Whether this browser lets the extension hold a request: the API is there and the manifest asked for it. */
export function canHoldRequests() {
  const permissions = ext.runtime.getManifest().permissions || [];
  return Boolean(ext.webRequest && ext.webRequest.onBeforeRequest) && permissions.includes("webRequestBlocking");
}

/** The navigation check's outcome, or a timeout error once its deadline has passed (then failMode decides). */
function withinDeadline(work, ms) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ error: { code: "timeout", message: `no verdict within ${ms} ms` } }), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * What to do with one top-level request: {} lets it go, {redirectUrl} sends the tab to the warning page
 * instead, before the request is sent. The navigation check (navigation.js) runs beside it on the same single
 * flight, so this adds no second service call; it keeps the tab's state, badge and "back to safety".
 */
export async function decideRequest(details) {
  const url = cacheUrl(details.url);
  if (url === null || details.tabId < 0) return {};
  const settings = await getSettings();
  if (!isCheckable(details.url, settings.values.serviceUrl)) return {};
  if (await proceedsTo(details.tabId, url)) return {}; // the student's "open it anyway, just this once"
  const outcome = await withinDeadline(check(url, { need: "navigation" }), CHECK_TIMEOUT_MS);
  const action = actionFor(outcome, settings.values);
  return blocksNavigation(action) ? { redirectUrl: warningUrl(url) } : {};
}

function onBeforeRequest(details) {
  return decideRequest(details).catch((error) => {
    console.warn("Link Guard: request hold failed", error);
    return {}; // a bug here must not take the student's browsing down with it
  });
}

/** Register the blocking listener where the browser supports it; a no-op on Chromium. */
export function register() {
  if (!canHoldRequests()) return false;
  ext.webRequest.onBeforeRequest.addListener(onBeforeRequest, FILTER, ["blocking"]);
  return true;
}
