// Strings from _locales/<lang>/messages.json in the language the student chose (chrome.i18n only follows the
// browser's UI language, so pages load the catalog themselves). `$1`..`$9` are substitutions as in chrome.i18n.

/** Fill `$1`..`$9` from subs; `$$` is a literal dollar. Substituted text stays text: callers use textContent. */
export function format(message, subs = []) {
  return String(message).replace(/\$(\$|[1-9])/gu, (_, d) => (d === "$" ? "$" : String(subs[Number(d) - 1] ?? "")));
}

/** A lookup function over one catalog ({key: {message}}); a missing key falls back, then shows the key. */
export function translator(catalog, fallback = {}) {
  return function t(key, subs) {
    const entry = (catalog && catalog[key]) || (fallback && fallback[key]);
    return entry && typeof entry.message === "string" ? format(entry.message, subs) : key;
  };
}

/** Every key of one catalog must exist in the other with the same substitutions (used by the tests). */
export function catalogProblems(a, b) {
  const problems = [];
  const subsOf = (m) => [...String(m).matchAll(/\$([1-9])/gu)].map((x) => x[1]).sort().join(",");
  for (const key of Object.keys(a)) {
    if (!b[key]) problems.push(`missing:${key}`);
    else if (subsOf(a[key].message) !== subsOf(b[key].message)) problems.push(`subs:${key}`);
  }
  for (const key of Object.keys(b)) if (!a[key]) problems.push(`extra:${key}`);
  return problems;
}
