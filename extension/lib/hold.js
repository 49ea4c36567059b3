// What Firefox's blocking request listener answers (features/prerequest.js), as pure functions node can test.

/**
 * The check's outcome, or a timeout error once `ms` have passed, whichever comes first: a held request never
 * waits past the navigation check's deadline; failMode then decides (lib/verdict.js actionFor). Timers are
 * injected so tests need no clock.
 */
export function withinDeadline(work, ms, { setTimer = setTimeout, clearTimer = clearTimeout } = {}) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimer(() => resolve({ error: { code: "timeout", message: `no verdict within ${ms} ms` } }), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimer(timer));
}

/**
 * {response, final} for one held request. `response` is the webRequest answer: {} lets the request go,
 * {redirectUrl} sends the tab to the warning page before anything is sent. `final`: the hold settled this
 * navigation for good, so the navigation check must not navigate the tab itself.
 *   proceeding: the tab holds a "proceed once" allowance for this URL (the student chose; it loads);
 *   blocks: the action (verdict, or failure under failMode) takes the tab to the warning page.
 * A request let go without a verdict-backed block is not final: past the deadline a verdict may still come.
 */
export function holdAnswer({ proceeding, blocks, warning }) {
  if (proceeding) return { response: {}, final: true };
  if (blocks) return { response: { redirectUrl: warning }, final: true };
  return { response: {}, final: false };
}

export const LET_GO = Object.freeze({ response: Object.freeze({}), final: false });
