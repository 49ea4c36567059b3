// Locales: vi and en have the same keys and substitutions, Vietnamese has its diacritics, every key used exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { format, translator, catalogProblems } from "../lib/i18n.js";

const root = new URL("../", import.meta.url);
const load = (lang) => JSON.parse(readFileSync(new URL(`_locales/${lang}/messages.json`, root), "utf8"));
const vi = load("vi");
const en = load("en");

test("vi and en have the same keys and the same $n substitutions", () => {
  assert.deepEqual(catalogProblems(vi, en), []);
});

test("chrome.i18n key rules: [A-Za-z0-9_] only, no empty messages", () => {
  for (const catalog of [vi, en]) {
    for (const [key, entry] of Object.entries(catalog)) {
      assert.match(key, /^[A-Za-z0-9_]+$/u);
      assert.ok(typeof entry.message === "string" && entry.message.trim().length > 0, key);
    }
  }
});

test("Vietnamese is written with its diacritics (not ASCII-folded)", () => {
  const text = Object.values(vi).map((e) => e.message).join(" ");
  for (const word of ["Nguy hiểm", "Không", "Phải", "Báo cáo", "Quay lại an toàn", "Kiểm tra"]) assert.ok(text.includes(word), word);
  const asciiOnly = Object.entries(vi).filter(([, e]) => /[a-z]{4,}/u.test(e.message) && !/[^\u0000-\u007f]/u.test(e.message));
  // Brand names and "OK"-like words may stay ASCII; sentences may not.
  assert.deepEqual(asciiOnly.map(([k]) => k).filter((k) => !["extName", "langEn", "hopVia"].includes(k)), []);
});

function sourceFiles(dir) {
  return readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(`${dir}${d.name}/`) : /\.(js|html)$/u.test(d.name) ? [`${dir}${d.name}`] : [],
  );
}

test("every key the pages, worker and manifest use exists", () => {
  const used = new Set();
  for (const file of ["", "ui/", "features/", "lib/"].flatMap((d) => sourceFiles(d).filter((f) => d !== "" || !f.includes("/")))) {
    const text = readFileSync(new URL(file, root), "utf8");
    for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z0-9_]+)"/gu)) used.add(m[1]);
    for (const m of text.matchAll(/\bt\("([A-Za-z0-9_]+)"/gu)) used.add(m[1]);
    for (const m of text.matchAll(/(?:title|heading|lead|proceed): "([A-Za-z0-9_]+)"/gu)) used.add(m[1]);
  }
  const manifest = readFileSync(new URL("manifest.json", root), "utf8");
  for (const m of manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/gu)) used.add(m[1]);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 60, `found ${used.size} keys in use`);
});

const FORMATS = [
  ["Risk $1 of 100", [42], "Risk 42 of 100"],
  ["$1 and $2", ["a", "b"], "a and b"],
  ["costs $$5", [], "costs $5"],
  ["missing $3", ["a"], "missing "],
  ["<b>$1</b>", ["<script>"], "<b><script></b>"],
];
for (const [message, subs, expected] of FORMATS) {
  test(`format(${JSON.stringify(message)})`, () => assert.equal(format(message, subs), expected));
}

test("translator falls back, then shows the key", () => {
  const t = translator({ a: { message: "A" } }, { b: { message: "B $1" } });
  assert.equal(t("a"), "A");
  assert.equal(t("b", ["x"]), "B x");
  assert.equal(t("zzz"), "zzz");
});

test("format without substitutions leaves the places empty; a non-string message shows the key", () => {
  assert.equal(format("a$1b"), "ab");
  const t = translator({ n: { message: 5 }, e: null }, { e: { message: "from fallback" } });
  assert.equal(t("n"), "n");
  assert.equal(t("e"), "from fallback");
  assert.equal(translator(null, null)("k"), "k");
});

test("catalogProblems names a missing key, an extra key and different substitutions", () => {
  const vi = { a: { message: "A $1" }, b: { message: "B" }, c: { message: "$2 $1" }, same: { message: "x $1 $2" } };
  const en = { a: { message: "A" }, c: { message: "$1 then $2" }, d: { message: "D" }, same: { message: "$2 y $1" } };
  assert.deepEqual(catalogProblems(vi, en), ["subs:a", "missing:b", "extra:d"]);
  assert.deepEqual(catalogProblems({ k: { message: "$1 costs $$" } }, { k: { message: "$1 $$ $$" } }), []);
  assert.deepEqual(catalogProblems({ k: { message: "$1" } }, { k: { message: "$$" } }), ["subs:k"]);
});
