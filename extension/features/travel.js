// Every URL a tab really travels to is checked, not only the one a navigation starts with: server redirects
// (webRequest.onBeforeRedirect, and a commit of a URL other than the one checked) and history-API changes
// (webNavigation.onHistoryStateUpdated). Client redirects (meta refresh, script) start navigations of their
// own, which navigation.js checks already. A bad stop sends the tab to the warning page like any navigation.

import { arrivalToCheck } from "../lib/arrival.js";
import { latestUrl, onBeforeNavigate, tabState } from "./navigation.js";

/** The tab arrived at `raw` without a navigation start we checked: check it as one (lib/arrival.js says when). */
export async function arrived(tabId, raw, timeStamp = Date.now()) {
  if (typeof tabId !== "number" || tabId < 0 || arrivalToCheck(raw, latestUrl(tabId), null) === null) return;
  const state = await tabState(tabId);
  if (arrivalToCheck(raw, latestUrl(tabId), state) === null) return; // (latest may have moved meanwhile)
  await onBeforeNavigate({ tabId, frameId: 0, url: raw, timeStamp });
}

/** A top-level request is redirected by its server (3xx): the next URL is checked before it loads. */
export function onBeforeRedirect(details) {
  if (details.type !== "main_frame") return Promise.resolve();
  return arrived(details.tabId, details.redirectUrl, details.timeStamp);
}

/** The page committed at a URL we did not check (a redirect this worker slept through, a restored page). */
export function onCommitted(details) {
  if (details.frameId !== 0) return Promise.resolve();
  return arrived(details.tabId, details.url, details.timeStamp);
}

/** history.pushState/replaceState changed the address (on the page's origin): checked too, lists hold paths. */
export function onHistoryStateUpdated(details) {
  if (details.frameId !== 0) return Promise.resolve();
  return arrived(details.tabId, details.url, details.timeStamp);
}

/** The filter for webRequest.onBeforeRedirect: top-level web requests only. */
export const REDIRECT_FILTER = { urls: ["http://*/*", "https://*/*"], types: ["main_frame"] };
