// Split a URL into display segments with the deceptive parts marked; pages render them with textContent.
// The registrable domain is emphasised the way Chromium's omnibox does (docs/security/url_display_guidelines),
// so "facebook.com.evil.test" reads as evil.test. It is a display heuristic only: the service decides.

import { toUnicodeHost } from "./punycode.js";

// Second-level labels under a two-letter country TLD that act as public suffixes (com.vn, edu.vn, co.uk...).
const SECOND_LEVEL = new Set(["ac", "co", "com", "edu", "gov", "int", "mil", "net", "org", "biz", "info", "name", "pro", "health", "or", "ne", "go"]);
const NON_ASCII_RUN = /[^\u0000-\u007f]+/gu;
// A run of 0/1 with letters on both sides: the classic faceb00k / paypa1 swap (dnstwist "homoglyph" ASCII set).
const DIGIT_SWAP_RUN = /(?<=[a-z])[01]+(?=[a-z])/gu;

/** How many trailing labels form the registrable domain of an ASCII host name. */
export function registrableLabelCount(labels) {
  if (labels.length <= 2) return labels.length;
  const tld = labels[labels.length - 1];
  const second = labels[labels.length - 2];
  if (tld.length === 2 && SECOND_LEVEL.has(second)) return 3;
  return 2;
}

function isIpHost(hostname) {
  return hostname.startsWith("[") || /^[0-9.]+$/u.test(hostname);
}

/** Cut one Unicode label into plain and highlighted pieces; returns [pieces, flags]. */
function labelPieces(label, kind) {
  const marks = [];
  for (const m of label.matchAll(NON_ASCII_RUN)) marks.push([m.index, m.index + m[0].length, "confusable"]);
  for (const m of label.matchAll(DIGIT_SWAP_RUN)) marks.push([m.index, m.index + m[0].length, "digits"]);
  marks.sort((a, b) => a[0] - b[0]);
  const pieces = [];
  const flags = new Set();
  let at = 0;
  for (const [start, end, why] of marks) {
    if (start < at) continue;
    if (start > at) pieces.push({ text: label.slice(at, start), kind });
    pieces.push({ text: label.slice(start, end), kind, highlight: why });
    flags.add(why);
    at = end;
  }
  if (at < label.length) pieces.push({ text: label.slice(at), kind });
  return [pieces, flags];
}

/**
 * Describe a URL for display.
 * Returns {ok: true, segments, host, hostAscii, flags} or {ok: false, text} for input that is not a URL.
 * Segment: {text, kind: scheme|userinfo|subdomain|domain|dot|port|path, highlight?, punycode?}.
 */
export function describeUrl(raw) {
  let url;
  try {
    url = new URL(String(raw));
  } catch {
    return { ok: false, text: String(raw), flags: [] };
  }
  const flags = new Set();
  const segments = [{ text: `${url.protocol}//`, kind: "scheme" }];
  if (url.username || url.password) {
    // RFC 3986 section 7.6: userinfo is a known way to make a URL look like another site.
    const info = url.password ? `${url.username}:${url.password}` : url.username;
    segments.push({ text: `${decodeSafe(info)}@`, kind: "userinfo", highlight: "userinfo" });
    flags.add("userinfo");
  }
  const hostAscii = url.hostname;
  if (isIpHost(hostAscii)) {
    segments.push({ text: hostAscii, kind: "domain", highlight: "ip" });
    flags.add("ip");
  } else {
    const labels = hostAscii.split(".");
    const registrable = registrableLabelCount(labels.filter((l) => l !== ""));
    // The first label of the registrable domain; a trailing dot ("evil.test.") names no label.
    const first = labels.length - registrable - (labels.at(-1) === "" ? 1 : 0);
    labels.forEach((label, index) => {
      if (index > 0) segments.push({ text: ".", kind: "dot" });
      const kind = index >= first ? "domain" : "subdomain";
      const unicode = toUnicodeHost(label);
      const [pieces, labelFlags] = labelPieces(unicode, kind);
      if (/^xn--/iu.test(label)) {
        flags.add("punycode");
        pieces.forEach((p) => {
          p.punycode = label;
        });
      }
      labelFlags.forEach((f) => flags.add(f));
      segments.push(...pieces);
    });
  }
  if (url.port) segments.push({ text: `:${url.port}`, kind: "port" });
  const rest = `${url.pathname}${url.search}${url.hash}`;
  if (rest && rest !== "/") segments.push({ text: rest, kind: "path" });
  else segments.push({ text: "/", kind: "path" });
  return { ok: true, segments, host: toUnicodeHost(hostAscii), hostAscii, flags: [...flags].sort() };
}

function decodeSafe(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Join segments back to a single line (for copy, share and tests). */
export function segmentsText(segments) {
  return segments.map((s) => s.text).join("");
}
