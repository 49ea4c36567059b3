// Every URL a tab really travels to is checked, not only the one a navigation starts with: server redirects
// (webRequest.onBeforeRedirect, and a commit of a URL other than the one checked) and history-API changes
// (webNavigation.onHistoryStateUpdated). Client redirects (meta refresh, script) start navigations of their
// own, which navigation.js checks already. A bad stop sends the tab to the warning page like any navigation.

import { cacheUrl } from "../lib/verdict.js";
import { latestUrl, onBeforeNavigate, tabState } from "./navigation.js";

const WEB = /^https?:\/\//iu;

/**
 * The tab arrived at `raw` without a navigation start we checked: check it as one. Within the origin of a page
 * the student chose to proceed to, it is part of that visit (its own redirect to `/login/`, its pushState):
 * warning again there would make "proceed once" useless. Another origin is always checked.
 */
export async function arrived(tabId, raw, timeStamp = Date.now()) {
  if (typeof tabId !== "number" || tabId < 0 || typeof raw !== "string" || !WEB.test(raw)) return;
  const url = cacheUrl(raw);
  if (url === null || latestUrl(tabId) === url) return; // the URL checked, or being checked
  const state = await tabState(tabId);
  if (latestUrl(tabId) === url) return; // (checked meanwhile)
  if (state && state.kind === "proceeded" && sameOrigin(state.url, url)) return;
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

function sameOrigin(a, b) {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The filter for webRequest.onBeforeRedirect: top-level web requests only. */
export const REDIRECT_FILTER = { urls: ["http://*/*", "https://*/*"], types: ["main_frame"] };
