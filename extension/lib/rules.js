// declarativeNetRequest session rules for links already known to be bad: the browser itself redirects the
// request to the warning page before it leaves, so the link's server never hears from the student.

export const BLOCK_PRIORITY = 1;
export const PROCEED_PRIORITY = 2; // a tab-scoped "allow" for proceed-once beats the redirect
export const MAX_RULE_URL = 1500; // RE2 programs are capped at 2 KiB (chrome.declarativeNetRequest docs)
export const MAX_REDIRECT_RULES = 900; // regex rules share a limit of 1000 with dynamic rules

/** Escape a string for RE2 (the regex engine of declarativeNetRequest). */
export function escapeRegex(text) {
  return String(text).replace(/[\\^$.*+?()[\]{}|/]/gu, "\\$&");
}

/** Anchored regex matching exactly this URL (fragment excluded: requests never carry one). */
export function urlRegex(url) {
  const noFragment = String(url).split("#", 1)[0];
  return `^${escapeRegex(noFragment)}$`;
}

export function ruleEligible(url) {
  return typeof url === "string" && /^https?:\/\//u.test(url) && url.length <= MAX_RULE_URL;
}

/** Rule redirecting top-level navigations to `warningPage#<url>` for one URL. */
export function redirectRule(id, url, warningPage) {
  return {
    id,
    priority: BLOCK_PRIORITY,
    action: { type: "redirect", redirect: { url: `${warningPage}#${url}` } },
    condition: { regexFilter: urlRegex(url), resourceTypes: ["main_frame"] },
  };
}

/** One-time exception for one tab while "proceed once" loads the page; removed when it commits. */
export function proceedRule(id, url, tabId) {
  return {
    id,
    priority: PROCEED_PRIORITY,
    action: { type: "allow" },
    condition: { regexFilter: urlRegex(url), resourceTypes: ["main_frame"], tabIds: [tabId] },
  };
}

// A proceed allowance not used within this time is not honoured (the proceeded page never started).
export const ALLOWANCE_MS = 60_000;

/**
 * What a top-level navigation meets in the worker's rule table (pure; blocking.js applies the answer).
 * table: {urls: {url: {expires, added}}, proceed: {tabId: {url, consumed, at}}, ended: {tabId: {url, at}}};
 * startedAt: the navigation's webNavigation.onBeforeNavigate timeStamp; now: Date.now().
 * Returns {how: "proceeded" | "protected" | "check", consume, drop}: consume marks the allowance used, drop
 * removes it with its allow rule.
 */
export function navigationStart(table, tabId, url, startedAt, now) {
  const p = table.proceed[tabId];
  const ended = table.ended ? table.ended[tabId] : undefined;
  const live = Boolean(p) && now - p.at <= ALLOWANCE_MS;
  if (live && !p.consumed && p.url === url && startedAt >= p.at) return { how: "proceeded", consume: true, drop: false };
  // The tab's allow rule outranks the redirect rule when it is in force now, or was when this navigation
  // started (removed since): such a request may have reached the link's server, so it is checked, not trusted.
  const bypassed = Boolean((p && p.url === url) || (ended && ended.url === url && ended.at >= startedAt));
  // Any later navigation in the tab ends a used (or stale) allowance.
  const drop = Boolean(p) && (p.consumed || !live);
  const r = table.urls[url];
  // A rule added while this request was already on its way stopped nothing.
  const ruled = Boolean(r) && r.expires > now && (r.added ?? 0) <= startedAt;
  return { how: ruled && !bypassed ? "protected" : "check", consume: false, drop };
}

/**
 * Whether a top-level commit (failed=false) or error (failed=true) of `url` ends the tab's allowance: only
 * once the proceeded navigation has started, and an error only for the proceeded URL itself (a load the
 * tab dropped for it reports one too, and must not take the allowance away before its request starts).
 */
export function navigationEnds(table, tabId, url, failed) {
  const p = table.proceed[tabId];
  return Boolean(p) && p.consumed && (!failed || p.url === url);
}
