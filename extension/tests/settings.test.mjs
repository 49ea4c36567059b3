// Settings: validation, and the merge in which a school's managed policy wins and locks its controls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DEFAULTS, effectiveSettings, changesToSave, normalizeServiceUrl, policyWithin, resolveLanguage, sanitize } from "../lib/settings.js";

const schema = JSON.parse(readFileSync(new URL("../managed_schema.json", import.meta.url), "utf8"));

test("managed_schema.json names exactly the settings keys, with matching types", () => {
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(DEFAULTS).sort());
  for (const [key, prop] of Object.entries(schema.properties)) {
    assert.equal(prop.type, typeof DEFAULTS[key], key);
    if (prop.enum) assert.ok(prop.enum.includes(DEFAULTS[key]), `${key} default is in its enum`);
  }
});

const SERVICE_URLS = [
  ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
  ["http://127.0.0.1:8080/", "http://127.0.0.1:8080"],
  ["  https://linkguard.school.edu.vn/api/  ", "https://linkguard.school.edu.vn/api"],
  ["https://user:pw@linkguard.example/", null],
  ["https://linkguard.example/?x=1", null],
  ["javascript:alert(1)", null],
  ["ftp://linkguard.example", null],
  ["", null],
  [42, null],
];
for (const [raw, expected] of SERVICE_URLS) {
  test(`normalizeServiceUrl(${JSON.stringify(raw)})`, () => assert.equal(normalizeServiceUrl(raw), expected));
}

const MERGES = [
  {
    name: "nothing stored: defaults, nothing locked",
    local: undefined,
    managed: undefined,
    values: DEFAULTS,
    locked: [],
  },
  {
    name: "user choices apply",
    local: { language: "en", failMode: "closed" },
    managed: {},
    values: { ...DEFAULTS, language: "en", failMode: "closed" },
    locked: [],
  },
  {
    name: "policy wins over the user and locks",
    local: { serviceUrl: "http://10.0.0.5:8080", allowProceed: true },
    managed: { serviceUrl: "https://lg.school.example/", allowProceed: false },
    values: { ...DEFAULTS, serviceUrl: "https://lg.school.example", allowProceed: false },
    locked: ["allowProceed", "serviceUrl"],
  },
  {
    name: "an invalid policy value is ignored, not locked",
    local: { failMode: "closed" },
    managed: { failMode: "sometimes", markers: false },
    values: { ...DEFAULTS, failMode: "closed", markers: false },
    locked: ["markers"],
    invalidPolicy: ["failMode"],
  },
  {
    name: "unknown and badly typed user values are dropped",
    local: { language: "fr", markers: "yes", evil: "<script>" },
    managed: null,
    values: DEFAULTS,
    locked: [],
  },
];
for (const c of MERGES) {
  test(`effectiveSettings: ${c.name}`, () => {
    const got = effectiveSettings(c.local, c.managed);
    assert.deepEqual(got.values, c.values);
    assert.deepEqual(got.locked, c.locked);
    assert.deepEqual(got.invalidPolicy, c.invalidPolicy ?? []);
  });
}

test("changesToSave refuses locked and invalid fields", () => {
  const got = changesToSave({ serviceUrl: "http://x.test:9000/", language: "vi", failMode: "maybe" }, ["language"]);
  assert.deepEqual(got.save, { serviceUrl: "http://x.test:9000" });
  assert.deepEqual(got.rejected, ["failMode", "language"]);
});

test("sanitize reports invalid keys", () => {
  assert.deepEqual(sanitize({ markers: 1, precheck: false }), { values: { precheck: false }, invalid: ["markers"] });
});

const LANGS = [
  ["vi", "en-US", "vi"],
  ["en", "vi", "en"],
  ["auto", "en-GB", "en"],
  ["auto", "vi-VN", "vi"],
  ["auto", "fr", "vi"],
  ["auto", undefined, "vi"],
];
for (const [setting, ui, expected] of LANGS) {
  test(`resolveLanguage(${setting}, ${ui}) = ${expected}`, () => assert.equal(resolveLanguage(setting, ui), expected));
}

// policyWithin: a slow first storage.managed read must not stall a navigation check.
const later = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
const SCHOOL = { serviceUrl: "https://linkguard.school.example", failMode: "closed" };
const OLD = { serviceUrl: "https://old.school.example" };

test("policyWithin: a prompt read is used as is, the snapshot is not even read", async () => {
  let asked = 0;
  const got = await policyWithin(later(5, SCHOOL), async () => (asked += 1, OLD), 200);
  assert.deepEqual(got, SCHOOL);
  assert.equal(asked, 0);
});

test("policyWithin: a read that never answers gives way to the last policy seen", { timeout: 5_000 }, async () => {
  const got = await policyWithin(new Promise(() => {}), async () => OLD, 50);
  assert.deepEqual(got, OLD);
});

for (const snapshot of [null, undefined, "policy", 7, ["serviceUrl"]]) {
  test(`policyWithin: with no usable snapshot (${JSON.stringify(snapshot)}) the slow read is awaited`, async () => {
    const got = await policyWithin(later(120, SCHOOL), async () => snapshot, 20);
    assert.deepEqual(got, SCHOOL);
  });
}

test("policyWithin: an empty policy (none set) is an answer, not a missing one", async () => {
  assert.deepEqual(await policyWithin(Promise.resolve({}), async () => OLD, 50), {});
  assert.deepEqual(await policyWithin(later(500, SCHOOL), async () => ({}), 20), {});
});

// Edges of the service URL rule, found by `make mutate` (docs/testing.md).
const SERVICE_URL_EDGES = [
  ["   ", null],
  [`https://linkguard.example/${"a".repeat(2048 - 26)}`, `https://linkguard.example/${"a".repeat(2048 - 26)}`], // 2048 exactly
  [`https://linkguard.example/${"a".repeat(2048 - 25)}`, null], // 2049
  ["https://user@linkguard.example/", null],
  ["https://:pw@linkguard.example/", null],
  ["https://linkguard.example/#top", null],
  ["https://linkguard.example///", "https://linkguard.example"],
  ["not a url", null],
];
for (const [raw, expected] of SERVICE_URL_EDGES) {
  test(`normalizeServiceUrl edge (${raw.length} chars: ${JSON.stringify(raw.slice(0, 30))})`, () => assert.equal(normalizeServiceUrl(raw), expected));
}

// key, value, the clean value (undefined: refused)
const VALUES = [
  ["apiKey", "k-123", "k-123"],
  ["apiKey", "", ""],
  ["apiKey", "a".repeat(256), "a".repeat(256)],
  ["apiKey", "a".repeat(257), undefined],
  ["apiKey", "key\r\nX-Injected: 1", undefined], // a header injection attempt
  ["apiKey", "key\n", undefined],
  ["apiKey", 42, undefined],
  ["markers", false, false],
  ["markers", "false", undefined],
  ["precheck", 0, undefined],
  ["language", "en", "en"],
  ["language", "fr", undefined],
  ["failMode", "closed", "closed"],
  ["failMode", "", undefined],
  ["serviceUrl", "http://127.0.0.1:9/", "http://127.0.0.1:9"],
  ["serviceUrl", "ftp://x.example", undefined],
  ["toString", "x", undefined], // inherited names are not settings
  ["unknown", "x", undefined],
];
for (const [key, value, clean] of VALUES) {
  test(`sanitize: ${key} = ${JSON.stringify(value).slice(0, 30)} -> ${JSON.stringify(clean)}`, () => {
    const { values, invalid } = sanitize({ [key]: value });
    if (clean === undefined) {
      assert.deepEqual([values, invalid], [{}, [key]]);
    } else {
      assert.deepEqual([values, invalid], [{ [key]: clean }, []]);
    }
  });
}

test("defaults are what a fresh install uses, and policy lists come back sorted", () => {
  assert.deepEqual({ ...DEFAULTS }, {
    serviceUrl: "http://127.0.0.1:8080", language: "auto", failMode: "open", markers: true, precheck: true, allowProceed: true, apiKey: "",
  });
  const merged = effectiveSettings(null, { markers: false, language: "xx", failMode: "nope", apiKey: 7 });
  assert.deepEqual(merged.locked, ["markers"]);
  assert.deepEqual(merged.invalidPolicy, ["apiKey", "failMode", "language"]);
  assert.deepEqual(changesToSave({ precheck: "x", markers: false, allowProceed: 1 }, ["markers"]).rejected, ["allowProceed", "markers", "precheck"]);
  assert.equal(resolveLanguage("auto", "EN-gb"), "en");
  assert.equal(resolveLanguage("auto", undefined), "vi");
});

test("service URL edges: blank, too long, spaces around, a bare origin", async () => {
  const { normalizeServiceUrl } = await import("../lib/settings.js");
  assert.equal(normalizeServiceUrl("   "), null);
  assert.equal(normalizeServiceUrl(""), null);
  assert.equal(normalizeServiceUrl(42), null);
  const long = `https://linkguard.school.test/${"a".repeat(2048 - "https://linkguard.school.test/".length)}`;
  assert.equal(normalizeServiceUrl(long), long);
  assert.equal(normalizeServiceUrl(`${long}a`), null);
  assert.equal(normalizeServiceUrl("  https://Linkguard.School.test:8443/api///  "), "https://linkguard.school.test:8443/api");
  assert.equal(normalizeServiceUrl("https://linkguard.school.test"), "https://linkguard.school.test");
  assert.equal(normalizeServiceUrl("https://:pw@linkguard.school.test/"), null); // a password alone
  assert.equal(normalizeServiceUrl("https://linkguard.school.test/?"), "https://linkguard.school.test"); // an empty query is none
});

test("every enum value and the API key's bounds", async () => {
  const { validateValue } = await import("../lib/settings.js");
  for (const language of ["auto", "vi", "en"]) assert.equal(validateValue("language", language), language);
  for (const mode of ["open", "closed"]) assert.equal(validateValue("failMode", mode), mode);
  assert.equal(validateValue("failMode", "Open"), undefined);
  assert.equal(validateValue("apiKey", "k".repeat(256)), "k".repeat(256));
  assert.equal(validateValue("apiKey", "k".repeat(257)), undefined);
  assert.equal(validateValue("apiKey", "a\nb"), undefined);
  assert.equal(validateValue("apiKey", "a\rb"), undefined);
  assert.equal(validateValue("apiKey", 5), undefined);
  assert.equal(validateValue("apiKey", ""), "");
  assert.equal(validateValue("markers", "true"), undefined);
  assert.equal(validateValue("markers", false), false);
});

test("sanitize ignores what is not an object; resolveLanguage takes only vi and en as they are", async () => {
  const { sanitize, resolveLanguage } = await import("../lib/settings.js");
  assert.deepEqual(sanitize("nope"), { values: {}, invalid: [] });
  assert.deepEqual(sanitize(null), { values: {}, invalid: [] });
  assert.equal(resolveLanguage("auto", "EN-GB"), "en");
  assert.equal(resolveLanguage("fr", "en-US"), "en");
  assert.equal(resolveLanguage("auto", undefined), "vi");
  assert.equal(resolveLanguage("auto", "de"), "vi");
});
