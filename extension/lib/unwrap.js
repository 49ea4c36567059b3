// Known link wrappers (l.facebook.com/l.php?u=, google.com/url?q=, Safe Links, ...): the URLs a link carries.
// Pure; the same patterns and steps as the service's service/detect/wrappers.py (ClearURLs `redirections`,
// generated into wrappers-data.js from blocklists/reference/wrappers.json by scripts/wrappers.py).
// The service also checks that a pattern names the wrapper's registrable domain; the extension has no public
// suffix list, so it only uses an unwrapped URL in addition to the link itself, never instead of it.

import { WRAPPERS } from "./wrappers-data.js";

export const MAX_NESTED = 5; // wrappers inside wrappers
export const MAX_DECODE = 3; // percent-decoding rounds: once (ClearURLs), more for a twice-encoded parameter
export const MAX_URL_BYTES = 8 * 1024; // the service's input limit
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/u;
const EDGES = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/gu; // eslint-disable-line no-control-regex

/** Compile the table once: [{name, urlPattern, redirections}] with anchored, case-blind regexes (Python re.match). */
export function buildTable(data = WRAPPERS) {
  const anchored = (p) => new RegExp(`^(?:${p})`, "i");
  return Object.entries({ ...data.providers, ...data.additions }).map(([name, rule]) => ({
    name,
    urlPattern: anchored(rule.urlPattern),
    redirections: rule.redirections.map(anchored),
  }));
}

const TABLE = buildTable();

/** Python's urllib.parse.unquote: runs of %XX are UTF-8 bytes (bad ones become U+FFFD), the rest stays. */
export function unquote(text) {
  if (!text.includes("%")) return text;
  const utf8 = new TextDecoder("utf-8");
  return text.replace(/(?:%[0-9a-fA-F]{2})+/gu, (run) => utf8.decode(Uint8Array.from(run.slice(1).split("%"), (h) => parseInt(h, 16))));
}

function decoded(value) {
  let out = unquote(value);
  for (let i = 1; i < MAX_DECODE && !SCHEME.test(out) && out.includes("%"); i++) out = unquote(out);
  return out.replace(EDGES, "");
}

function inner(value, provider) {
  const text = decoded(value);
  if (new TextEncoder().encode(text).length > MAX_URL_BYTES) return null;
  const scheme = SCHEME.exec(text);
  if (!scheme) return null; // the parameter is not a URL
  const name = scheme[0].slice(0, -1).toLowerCase();
  if (name !== "http" && name !== "https") return { url: `${name}:`, provider, web: false };
  try {
    if (!new URL(text).hostname) return null;
  } catch {
    return null;
  }
  return { url: text, provider, web: true };
}

/** The URL `raw` wraps, as {url, provider, web}, or null for an ordinary link. */
export function unwrapOnce(raw, table = TABLE) {
  let parsed;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//iu.test(raw.trim()) ? raw.trim() : `http://${raw.trim()}`);
  } catch {
    return null;
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== "http" && scheme !== "https") return null;
  const host = parsed.hostname.replace(/\.+$/u, "");
  const candidate = `${scheme}://${host}${parsed.pathname}${parsed.search}`;
  const hostEnd = scheme.length + 3 + host.length;
  for (const provider of table) {
    const named = provider.urlPattern.exec(`${scheme}://${host}/`);
    if (!named || named[0].length < hostEnd) continue; // the pattern stops before the host does
    for (const redirection of provider.redirections) {
      const match = redirection.exec(candidate);
      if (match && match[1]) {
        const found = inner(match[1], provider.name);
        if (found) return found;
      }
    }
  }
  return null;
}

/** Every URL inside `raw`, outermost first (nested wrappers too, at most MAX_NESTED). */
export function unwrapAll(raw, table = TABLE) {
  const out = [];
  const seen = new Set([raw]);
  let current = raw;
  for (let i = 0; i < MAX_NESTED; i++) {
    const found = unwrapOnce(current, table);
    if (!found || seen.has(found.url)) break;
    out.push(found);
    if (!found.web) break;
    seen.add(found.url);
    current = found.url;
  }
  return out;
}

const RANK = { safe: 0, suspicious: 1, dangerous: 2 };
const rank = (result) => (result ? (RANK[result.verdict] ?? 0) : -1);

/** The worst of the service's answers for a link and for what it wraps (the first of equals); undefined if none. */
export function worstOf(results) {
  return results.reduce((worst, r) => (rank(r) > rank(worst) ? r : worst), undefined);
}
