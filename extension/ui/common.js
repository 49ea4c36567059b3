// Helpers shared by our pages: messaging, the student's language, and DOM building without innerHTML.

import { translator } from "../lib/i18n.js";
import { describeUrl } from "../lib/urldisplay.js";

export const ext = globalThis.browser ?? globalThis.chrome;

/** Ask the worker; always resolves to an object with `ok`. */
export async function send(message) {
  try {
    const answer = await ext.runtime.sendMessage(message);
    return answer && typeof answer === "object" ? answer : { ok: false, error: "no_answer" };
  } catch (error) {
    return { ok: false, error: "no_answer", message: String(error && error.message) };
  }
}

/** Settings from the worker plus a translator in the student's language; sets <html lang>. */
export async function loadPageContext() {
  const settings = await send({ type: "settings" });
  const lang = settings.ok ? settings.lang : "vi";
  let catalog = {};
  try {
    catalog = await (await fetch(ext.runtime.getURL(`_locales/${lang}/messages.json`))).json();
  } catch {
    catalog = {};
  }
  document.documentElement.lang = lang;
  return { settings, lang, t: translator(catalog) };
}

/** Fill [data-i18n] (text), [data-i18n-placeholder], [data-i18n-title] and [data-i18n-aria-label]. */
export function applyI18n(root, t) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.getAttribute("data-i18n"));
  for (const attr of ["placeholder", "title", "aria-label"]) {
    for (const node of root.querySelectorAll(`[data-i18n-${attr}]`)) node.setAttribute(attr, t(node.getAttribute(`data-i18n-${attr}`)));
  }
}

/** el("p", {class: "x", text: "y"}, child...): text goes through textContent, never parsed as HTML. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = String(value);
    else node.setAttribute(key, String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** The URL as segments: registrable domain emphasised, deceptive parts highlighted. */
export function renderUrl(raw, t) {
  const desc = describeUrl(raw);
  const box = el("div", { class: "url", "data-testid": "url" });
  if (!desc.ok) {
    box.append(el("span", { class: "seg-path", text: desc.text }));
    return { box, desc };
  }
  for (const seg of desc.segments) {
    const cls = [`seg-${seg.kind}`];
    if (seg.highlight) cls.push("hl", `hl-${seg.highlight}`);
    box.append(el("span", { class: cls.join(" "), text: seg.text }));
  }
  const notes = el("ul", { class: "url-notes" });
  const flagText = { punycode: "flagPunycode", confusable: "flagConfusable", digits: "flagDigits", userinfo: "flagUserinfo", ip: "flagIp" };
  for (const flag of desc.flags) notes.append(el("li", { text: t(flagText[flag]) }));
  if (desc.flags.includes("punycode")) notes.append(el("li", { class: "ascii", text: t("labelShownAs", [desc.hostAscii]) }));
  return { box, notes: desc.flags.length ? notes : null, desc };
}

export const VERDICT_LABEL = { safe: "verdictSafe", suspicious: "verdictSuspicious", dangerous: "verdictDangerous" };
