// Which URL a tab arrived at needs a check of its own (pure; features/travel.js applies it to browser events).

import { cacheUrl } from "./verdict.js";

const WEB = /^https?:\/\//iu;

function origin(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The URL to check for an arrival at `raw` (a redirect target, a commit, a history change), or null when
 * there is nothing to check: not a web URL; the URL the tab's newest navigation checks already (`latest`); or
 * within the origin of a page the student chose to proceed to (`state.kind === "proceeded"`): its own
 * redirect to `/login/` or its pushState is part of that visit. Another origin is always checked.
 */
export function arrivalToCheck(raw, latest, state) {
  if (typeof raw !== "string" || !WEB.test(raw)) return null;
  const url = cacheUrl(raw);
  if (url === null || url === latest) return null;
  if (state && state.kind === "proceeded" && origin(state.url) !== null && origin(state.url) === origin(url)) return null;
  return url;
}
