// The one runtime.onMessage dispatcher: every message type names the senders it accepts, the rest are refused.
// Content scripts run inside hostile pages, so they may only ask for the few things a page needs.

/**
 * Classify a runtime.MessageSender.
 * "page": one of this extension's own pages (popup, options, warning); "content": our content script in an
 * http(s) page's top frame; null: anything else (another extension, a sub-frame, a missing or odd sender).
 */
export function senderKind(sender, { id, origin }) {
  if (!sender || typeof sender !== "object" || sender.id !== id) return null;
  const url = typeof sender.url === "string" ? sender.url : "";
  if (url === origin || url.startsWith(`${origin}/`)) {
    // Our pages framed inside a web page would still carry our origin; only top-level ones count.
    if (sender.frameId !== undefined && sender.frameId !== 0) return null;
    return "page";
  }
  if (sender.tab && typeof sender.tab.id === "number" && sender.frameId === 0 && /^https?:\/\//u.test(url)) {
    return "content";
  }
  return null;
}

/**
 * routes: {type: {from: ["page"|"content"], handle: async (message, sender) => response}}.
 * Returns a listener for runtime.onMessage: it answers {ok: false, error} for refused or unknown messages
 * and {ok: true, ...result} / {ok: false, error} from the handler, and returns true while the answer is pending.
 */
export function createDispatcher(routes, context, { onError = () => {} } = {}) {
  return function onMessage(message, sender, sendResponse) {
    const type = message && typeof message === "object" ? message.type : undefined;
    const route = typeof type === "string" && Object.hasOwn(routes, type) ? routes[type] : undefined;
    if (!route) {
      sendResponse({ ok: false, error: "unknown_message" });
      return false;
    }
    const kind = senderKind(sender, context);
    if (kind === null || !route.from.includes(kind)) {
      sendResponse({ ok: false, error: "forbidden" });
      return false;
    }
    Promise.resolve()
      .then(() => route.handle(message, sender))
      .then(
        (result) => sendResponse({ ok: true, ...(result || {}) }),
        (error) => {
          onError(type, error);
          sendResponse({ ok: false, error: (error && error.code) || "internal", message: String((error && error.message) || error) });
        },
      );
    return true;
  };
}
