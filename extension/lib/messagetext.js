// Pure helpers for checking a message: cut it to the service's limit, and tell a link from a message.

export const MAX_TEXT_BYTES = 8192; // DESIGN.md: POST /v1/check/text takes at most 8 KiB of UTF-8
export const MAX_STASHED = 5; // messages kept in storage.session for the result pages open right now

/** The text cut to at most `limit` bytes of UTF-8, never inside a character; null when it is empty. */
export function cleanMessage(value, limit = MAX_TEXT_BYTES) {
  if (typeof value !== "string") return null;
  const text = value.replace(/\u0000/gu, "");
  if (!text.trim()) return null;
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= limit) return text;
  let out = "";
  let size = 0;
  for (const char of text) {
    const n = encoder.encode(char).length;
    if (size + n > limit) break;
    out += char;
    size += n;
  }
  return out;
}

/** A pasted input is a single link when it has no spaces and no line breaks; anything else is a message. */
export function isSingleLink(value) {
  const text = String(value || "").trim();
  return text.length > 0 && !/\s/u.test(text);
}

/** A random id for a stashed message (the result page's #hash); never derived from the text. */
export function newStashId(random = globalThis.crypto) {
  const bytes = new Uint8Array(12);
  random.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keep at most `max` stashed messages, the newest; `stash` maps id -> {text, at}. */
export function pruneStash(stash, max = MAX_STASHED) {
  const entries = Object.entries(stash && typeof stash === "object" ? stash : {});
  entries.sort((a, b) => (Number(b[1] && b[1].at) || 0) - (Number(a[1] && a[1].at) || 0));
  return Object.fromEntries(entries.slice(0, max));
}
