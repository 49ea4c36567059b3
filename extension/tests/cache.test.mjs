// The verdict cache honours the service's ttl, keeps full checks over batch answers, and survives a restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VerdictCache, ttlSeconds, MAX_TTL_SECONDS, DEFAULT_TTL_SECONDS } from "../lib/cache.js";

function memoryStorage(initial) {
  let data = initial;
  return { saves: 0, load: async () => data, save: async (obj) => { data = JSON.parse(JSON.stringify(obj)); }, peek: () => data };
}

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

const TTLS = [
  [{ ttl: 3600 }, 3600],
  [{ ttl: 0 }, 0],
  [{ ttl: -5 }, 0],
  [{ ttl: 10 ** 9 }, MAX_TTL_SECONDS],
  [{ ttl: "60" }, DEFAULT_TTL_SECONDS],
  [{}, DEFAULT_TTL_SECONDS],
  [null, DEFAULT_TTL_SECONDS],
];
for (const [result, expected] of TTLS) {
  test(`ttlSeconds(${JSON.stringify(result)}) = ${expected}`, () => assert.equal(ttlSeconds(result), expected));
}

test("an entry lives exactly its ttl", async () => {
  const c = clock();
  const cache = new VerdictCache({ storage: memoryStorage(), now: c.now });
  await cache.put("vi", "http://a.test/", { verdict: "dangerous", ttl: 60 }, "auto");
  c.t += 59_999;
  assert.equal((await cache.get("vi", "http://a.test/")).result.verdict, "dangerous");
  c.t += 1;
  assert.equal(await cache.get("vi", "http://a.test/"), null);
});

test("ttl 0 is never stored", async () => {
  const cache = new VerdictCache({ storage: memoryStorage() });
  await cache.put("en", "http://a.test/", { verdict: "safe", ttl: 0 }, "auto");
  assert.equal(await cache.get("en", "http://a.test/"), null);
});

test("languages are cached apart (reasons are localized)", async () => {
  const cache = new VerdictCache({ storage: memoryStorage() });
  await cache.put("vi", "http://a.test/", { verdict: "safe", ttl: 60 }, "auto");
  assert.equal(await cache.get("en", "http://a.test/"), null);
});

test("a batch answer does not replace a fresh full check", async () => {
  const cache = new VerdictCache({ storage: memoryStorage() });
  await cache.put("vi", "http://bit.test/x", { verdict: "dangerous", ttl: 60 }, "auto");
  await cache.putMany("vi", [["http://bit.test/x", { verdict: "safe", ttl: 60 }]], "never");
  const entry = await cache.get("vi", "http://bit.test/x");
  assert.equal(entry.mode, "auto");
  assert.equal(entry.result.verdict, "dangerous");
});

test("entries survive a worker restart through storage, expired ones do not", async () => {
  const c = clock();
  const storage = memoryStorage();
  const first = new VerdictCache({ storage, now: c.now });
  await first.putMany("vi", [["http://a.test/", { verdict: "safe", ttl: 10 }], ["http://b.test/", { verdict: "dangerous", ttl: 100 }]], "never");
  c.t += 50_000;
  const second = new VerdictCache({ storage, now: c.now });
  assert.equal(await second.get("vi", "http://a.test/"), null);
  assert.equal((await second.get("vi", "http://b.test/")).result.verdict, "dangerous");
});

test("the cache is bounded; the least recently stored entry goes first", async () => {
  const cache = new VerdictCache({ storage: memoryStorage(), maxEntries: 3 });
  for (const n of [1, 2, 3, 4]) await cache.put("vi", `http://${n}.test/`, { verdict: "safe", ttl: 60 }, "auto");
  assert.equal(cache.size, 3);
  assert.equal(await cache.get("vi", "http://1.test/"), null);
  assert.ok(await cache.get("vi", "http://4.test/"));
});

test("garbage in storage is ignored", async () => {
  const cache = new VerdictCache({ storage: memoryStorage({ "vi|x": "junk", "vi|y": { expires: "soon" } }) });
  assert.equal(await cache.get("vi", "x"), null);
  assert.equal(cache.size, 0);
});

const MORE_TTLS = [
  [{ ttl: Infinity }, DEFAULT_TTL_SECONDS],
  [{ ttl: NaN }, DEFAULT_TTL_SECONDS],
  [{ ttl: 59.9 }, 59],
];
for (const [result, expected] of MORE_TTLS) {
  test(`ttlSeconds({ttl: ${result.ttl}}) = ${expected}`, () => assert.equal(ttlSeconds(result), expected));
}

function countingStorage(initial) {
  const s = memoryStorage(initial);
  const counts = { loads: 0, saves: 0 };
  return { counts, peek: s.peek, load: async () => { counts.loads += 1; return s.load(); }, save: async (o) => { counts.saves += 1; return s.save(o); } };
}

test("storage is read once, and written only when an answer was stored", async () => {
  const storage = countingStorage();
  const cache = new VerdictCache({ storage });
  await cache.get("vi", "http://a.test/");
  await cache.get("vi", "http://b.test/");
  await cache.put("vi", "http://a.test/", { verdict: "safe", ttl: 0 }, "auto");
  assert.deepEqual(storage.counts, { loads: 1, saves: 0 });
  await cache.put("vi", "http://a.test/", { verdict: "safe", ttl: 60 }, "auto");
  await cache.get("vi", "http://a.test/");
  assert.deepEqual(storage.counts, { loads: 1, saves: 1 });
});

test("unreadable stored data is ignored entry by entry", async () => {
  for (const stored of [null, "garbage", 42]) {
    const cache = new VerdictCache({ storage: memoryStorage(stored) });
    assert.equal(await cache.get("vi", "http://a.test/"), null);
    assert.equal(cache.size, 0);
  }
  const far = Date.now() + 3_600_000;
  const cache = new VerdictCache({
    storage: memoryStorage({
      "vi|http://null.test/": null,
      "vi|http://no-expiry.test/": { expires: "soon", result: { verdict: "safe" } },
      "vi|http://no-result.test/": { expires: far },
      "vi|http://good.test/": { expires: far, result: { verdict: "dangerous" }, mode: "auto" },
    }),
  });
  assert.equal((await cache.get("vi", "http://good.test/")).result.verdict, "dangerous");
  assert.equal(cache.size, 1);
});

test("a batch answer replaces a batch answer, an expired full check, and a full check replaces a full check", async () => {
  const c = clock();
  const cache = new VerdictCache({ storage: memoryStorage(), now: c.now });
  await cache.putMany("vi", [["http://a.test/", { verdict: "safe", ttl: 60 }]], "never");
  await cache.putMany("vi", [["http://a.test/", { verdict: "suspicious", ttl: 60 }]], "never");
  assert.equal((await cache.get("vi", "http://a.test/")).result.verdict, "suspicious");
  await cache.put("vi", "http://b.test/", { verdict: "dangerous", ttl: 60 }, "auto");
  await cache.put("vi", "http://b.test/", { verdict: "safe", ttl: 60 }, "always");
  assert.equal((await cache.get("vi", "http://b.test/")).mode, "always");
  c.t += 60_000; // the full check expires exactly now: a batch answer may take its place
  await cache.putMany("vi", [["http://b.test/", { verdict: "suspicious", ttl: 60 }]], "never");
  const entry = await cache.get("vi", "http://b.test/");
  assert.deepEqual([entry.mode, entry.result.verdict], ["never", "suspicious"]);
});

test("storing an answer drops the entries that expired, the one expiring this very moment too", async () => {
  const c = clock();
  const storage = memoryStorage();
  const cache = new VerdictCache({ storage, now: c.now });
  await cache.put("vi", "http://gone.test/", { verdict: "safe", ttl: 1 }, "auto");
  await cache.put("vi", "http://later.test/", { verdict: "safe", ttl: 5 }, "auto");
  c.t += 1000;
  await cache.put("vi", "http://new.test/", { verdict: "safe", ttl: 60 }, "auto");
  assert.equal(cache.size, 2);
  assert.deepEqual(Object.keys(storage.peek()).sort(), ["vi|http://later.test/", "vi|http://new.test/"]);
});

test("clear empties the cache and its storage; a cache without storage still works", async () => {
  const storage = memoryStorage();
  const cache = new VerdictCache({ storage });
  await cache.put("vi", "http://a.test/", { verdict: "safe", ttl: 60 }, "auto");
  await cache.clear();
  assert.equal(cache.size, 0);
  assert.deepEqual(storage.peek(), {});
  const bare = new VerdictCache();
  assert.equal(bare.size, 0);
  await bare.put("en", "http://a.test/", { verdict: "safe", ttl: 60 }, "auto");
  assert.equal((await bare.get("en", "http://a.test/")).result.verdict, "safe");
  await bare.clear();
  assert.equal(bare.size, 0);
});
