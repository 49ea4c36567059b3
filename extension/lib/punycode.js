// Punycode decoding (RFC 3492 section 6.2) so an `xn--` host can be shown as the letters a student sees.
// Only decoding is needed: `new URL()` already gives hosts in their ASCII (IDNA) form.

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_CODE_POINT = 0x10ffff;

// RFC 3492 section 6.1: bias adaptation.
function adapt(delta, numPoints, firstTime) {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - TMIN) * TMAX) >> 1) {
    d = Math.floor(d / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW));
}

function digitValue(code) {
  if (code >= 0x30 && code <= 0x39) return code - 22; // '0'..'9' -> 26..35
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // 'A'..'Z'
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // 'a'..'z'
  return BASE;
}

/** Decode one Punycode string (without the `xn--` prefix); null when it is not valid Punycode. */
export function decodeLabel(input) {
  if (typeof input !== "string" || input.length > 253) return null;
  const output = [];
  const basicEnd = input.lastIndexOf("-");
  for (let j = 0; j < Math.max(basicEnd, 0); j += 1) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return null;
    output.push(c);
  }
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let pos = basicEnd > 0 ? basicEnd + 1 : 0; pos < input.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (pos >= input.length) return null;
      const digit = digitValue(input.charCodeAt(pos));
      pos += 1;
      if (digit >= BASE) return null;
      i += digit * w;
      if (i > MAX_CODE_POINT * (output.length + 1)) return null;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
    }
    bias = adapt(i - oldi, output.length + 1, oldi === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > MAX_CODE_POINT || (n >= 0xd800 && n <= 0xdfff)) return null;
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

/** Decode every `xn--` label of a host; labels that fail to decode are kept as they are. */
export function toUnicodeHost(host) {
  return String(host)
    .split(".")
    .map((label) => {
      if (!/^xn--/i.test(label)) return label;
      const decoded = decodeLabel(label.slice(4).toLowerCase());
      return decoded === null || decoded === "" ? label : decoded;
    })
    .join(".");
}
