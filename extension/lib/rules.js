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
