// Firefox's request hold: what it answers, and that it never waits past the deadline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { holdAnswer, LET_GO, withinDeadline } from "../lib/hold.js";

const WARNING = "moz-extension://id/warning.html#http://evil.test/";

const ANSWERS = [
  ["proceed once lets it go, settled", { proceeding: true, blocks: true, warning: WARNING }, {}, true],
  ["a blocking action redirects before the request leaves", { proceeding: false, blocks: true, warning: WARNING }, { redirectUrl: WARNING }, true],
  ["a fine page goes, the navigation check still has the last word", { proceeding: false, blocks: false, warning: WARNING }, {}, false],
];
for (const [name, input, response, final] of ANSWERS) {
  test(`holdAnswer: ${name}`, () => assert.deepEqual(holdAnswer(input), { response, final }));
}

test("LET_GO lets the request go and settles nothing", () => assert.deepEqual(LET_GO, { response: {}, final: false }));

// Timers under the test's control: `fire()` ends the deadline.
function manualTimer() {
  const timers = { pending: null, cleared: 0, ms: null };
  return {
    timers,
    setTimer: (fn, ms) => {
      timers.pending = fn;
      timers.ms = ms;
      return 1;
    },
    clearTimer: () => {
      timers.cleared += 1;
    },
    fire: () => timers.pending(),
  };
}

test("withinDeadline: an answer before the deadline wins and the timer is cleared", async () => {
  const t = manualTimer();
  const got = await withinDeadline(Promise.resolve({ result: { verdict: "dangerous" } }), 4000, t);
  assert.deepEqual(got, { result: { verdict: "dangerous" } });
  assert.equal(t.timers.ms, 4000);
  assert.equal(t.timers.cleared, 1);
});

test("withinDeadline: a check that never answers gives a timeout error at the deadline", async () => {
  const t = manualTimer();
  const never = new Promise(() => {});
  const pending = withinDeadline(never, 4000, t);
  t.fire();
  const got = await pending;
  assert.equal(got.error.code, "timeout");
  assert.match(got.error.message, /4000 ms/);
});
