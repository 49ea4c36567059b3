// Checking a whole message: the context menu on selected text, the popup's paste box, the result page.
// The text stays in storage.session (memory only, gone when the browser closes) while its page is open,
// and goes to the school's service only as the body of POST /v1/check/text.

import { ext, readArea, writeArea } from "./browser.js";
import { getClient, getLang } from "./state.js";
import { openNextTo } from "./navigation.js";
import { cleanMessage, newStashId, pruneStash } from "../lib/messagetext.js";

export const MENU_ID = "lg-check-text";
const STASH = "messages";

function fail(code, message = code) {
  return Object.assign(new Error(message), { code });
}

export function messagePage(id) {
  return `${ext.runtime.getURL("message.html")}#${id}`;
}

/** Keep `text` for a result page; returns the page's id. */
export async function stashMessage(text) {
  const clean = cleanMessage(text);
  if (clean === null) throw fail("empty_text");
  const id = newStashId();
  const stash = await readArea("session", STASH, {});
  await writeArea("session", STASH, pruneStash({ ...stash, [id]: { text: clean, at: Date.now() } }));
  return id;
}

async function stashed(id) {
  const stash = await readArea("session", STASH, {});
  const entry = typeof id === "string" && Object.hasOwn(stash, id) ? stash[id] : null;
  return entry && typeof entry.text === "string" ? entry.text : null;
}

/** The context menu item on selected text (menus.js installs it). */
export function menuItem(t) {
  return { id: MENU_ID, title: t("menuCheckText"), contexts: ["selection"] };
}

/** "Check this message with Link Guard": keep the selection, open its result page next to the tab. */
export async function onMenuClicked(info, tab) {
  const id = await stashMessage(info.selectionText);
  const url = messagePage(id);
  if (tab && typeof tab.id === "number" && typeof tab.index === "number") await openNextTo(tab, url);
  else await ext.tabs.create({ url });
  return { id };
}

/** Message routes for our pages (spread into features/messages.js routes): checkText, openMessage. */
export const textRoutes = {
  checkText: {
    from: ["page"],
    async handle(msg) {
      const text = msg.id !== undefined ? await stashed(msg.id) : cleanMessage(msg.text);
      if (text === null) throw fail(msg.id !== undefined ? "gone" : "empty_text");
      const client = await getClient();
      const result = await client.checkText(text, { lang: await getLang() });
      return { text, result };
    },
  },
  // The popup's paste box hands a message on exactly as the context menu does.
  openMessage: {
    from: ["page"],
    async handle(msg, sender) {
      return onMenuClicked({ menuItemId: MENU_ID, selectionText: msg.text }, sender.tab);
    },
  },
};
