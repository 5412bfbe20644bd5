/**
 * The shared run-time helpers of generated validators: constant JavaScript
 * written here (never user data), emitted once each, only when used, under
 * the reserved prefix `__covet_v_`. They use standard JS globals only.
 *
 * Every helper is allocation-free on the success path, except `duplicate`
 * (a `Set` for long arrays of scalars) and `url` (the WHATWG `URL` parser).
 */
import { MAX_DEPTH } from '../../ir/ir.ts';
import { HAS_OWN, type Helper } from '../scope.ts';
import { M } from './messages.ts';

export const HELPER_PREFIX = '__covet_v_';

/** \`{ loc, msg: "…", type: "…" }\` with constant strings from messages.ts. */
function errLiteral(type: string, msg: string): string {
  return `{ loc, msg: ${JSON.stringify(msg)}, type: ${JSON.stringify(type)} }`;
}

interface Source {
  deps: readonly (HelperName | 'hasOwn')[];
  source: string;
}

export type HelperName =
  | 'hasOwn'
  | 'prefix'
  | 'setKey'
  | 'keyCount'
  | 'cpLen'
  | 'repr'
  | 'equal'
  | 'duplicate'
  | 'num'
  | 'days'
  | 'date'
  | 'dateTime'
  | 'email'
  | 'uuid'
  | 'url'
  | 'urlError'
  | 'parseNumber'
  | 'parseInt'
  | 'intError'
  | 'parseBool'
  | 'tooDeep';

/** In emission order (a helper comes after the helpers it uses, for readers). */
const SOURCES: Record<Exclude<HelperName, 'hasOwn'>, Source> = {
  prefix: {
    deps: [],
    source: `/** Error path only: puts \`prefix\` in front of the loc of every error pushed since index \`n\` (a new array: \`unshift\` is slower). */
function __covet_v_prefix(errs, n, prefix) {
  for (let i = n; i < errs.length; i++) errs[i].loc = [...prefix, ...errs[i].loc];
}`,
  },
  setKey: {
    deps: [],
    source: `/** \`o[k] = v\` for a key from the input; \`__proto__\` becomes an own data property, never the prototype. */
function __covet_v_setKey(o, k, v) {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}`,
  },
  keyCount: {
    deps: [],
    source: `/** How many enumerable keys \`o\` has (a parsed JSON object: its own): equal to the declared keys present, it has no others. */
function __covet_v_keyCount(o) {
  let n = 0;
  for (const k in o) n++;
  return n;
}`,
  },
  cpLen: {
    deps: [],
    source: `/** Length in Unicode code points (a lone surrogate counts as one), like Python's len() and ajv. */
function __covet_v_cpLen(s) {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}`,
  },
  repr: {
    deps: [],
    source: `/** Error path only: a short human rendering of an input value for a message. */
function __covet_v_repr(v) {
  if (typeof v === "string") return "'" + (v.length > 100 ? v.slice(0, 100) + "…" : v) + "'";
  if (typeof v === "object") return v === null ? "null" : Array.isArray(v) ? "an array" : "an object";
  return String(v);
}`,
  },
  equal: {
    deps: ['hasOwn'],
    source: `/** Deep equality of JSON values, iterative (hostile nesting cannot overflow the stack). */
function __covet_v_equal(a, b) {
  const stack = [a, b];
  while (stack.length !== 0) {
    const y = stack.pop();
    const x = stack.pop();
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    const xa = Array.isArray(x);
    if (xa !== Array.isArray(y)) return false;
    if (xa) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push(x[i], y[i]);
    } else {
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length) return false;
      for (const k of kx) {
        if (!__covet_hasOwn.call(y, k)) return false;
        stack.push(x[k], y[k]);
      }
    }
  }
  return true;
}`,
  },
  duplicate: {
    deps: ['equal'],
    source: `/** Index of the first item that equals (as JSON) an earlier one, or -1. */
function __covet_v_duplicate(a) {
  const n = a.length;
  let scalars = true;
  for (let i = 0; i < n; i++) if (typeof a[i] === "object" && a[i] !== null) scalars = false;
  if (scalars && n > 16) {
    const seen = new Set();
    for (let i = 0; i < n; i++) {
      if (seen.has(a[i])) return i;
      seen.add(a[i]);
    }
    return -1;
  }
  for (let i = 1; i < n; i++) {
    const x = a[i];
    for (let j = 0; j < i; j++) {
      const y = a[j];
      if (x === y || (typeof x === "object" && typeof y === "object" && x !== null && y !== null && __covet_v_equal(x, y))) return i;
    }
  }
  return -1;
}`,
  },
  num: {
    deps: [],
    source: `/** The decimal number in s[i, i + k), or -1 if any of those characters is not a digit. */
function __covet_v_num(s, i, k) {
  let v = 0;
  for (let j = i; j < i + k; j++) {
    const c = s.charCodeAt(j) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}`,
  },
  days: {
    deps: [],
    source: `/** Days in month \`m\` (1-12) of year \`y\` (proleptic Gregorian). */
function __covet_v_days(y, m) {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}`,
  },
  date: {
    deps: ['num', 'days'],
    source: `/** True when s begins with a valid calendar date YYYY-MM-DD. */
function __covet_v_date(s) {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = __covet_v_num(s, 0, 4);
  const m = __covet_v_num(s, 5, 2);
  const d = __covet_v_num(s, 8, 2);
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= __covet_v_days(y, m);
}`,
  },
  dateTime: {
    deps: ['num', 'days', 'date'],
    source: `/**
 * Milliseconds since the epoch of an RFC 3339 date-time, or NaN:
 * YYYY-MM-DD, then T (or t or a space), hh:mm:ss, optional fraction, then Z (or z) or ±hh:mm.
 * A time zone is required; leap seconds (:60) are not accepted.
 */
function __covet_v_dateTime(s) {
  const n = s.length;
  if (n < 20 || !__covet_v_date(s)) return NaN;
  const t = s.charCodeAt(10);
  if ((t !== 84 && t !== 116 && t !== 32) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const hh = __covet_v_num(s, 11, 2);
  const mi = __covet_v_num(s, 14, 2);
  const ss = __covet_v_num(s, 17, 2);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (!(c >= 0 && c <= 9)) break;
      if (i - start < 3) ms += c * (i === start ? 100 : i === start + 1 ? 10 : 1);
    }
    if (i === start) return NaN;
  }
  let offset = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== n) return NaN;
  } else if (z === 43 || z === 45) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return NaN;
    const oh = __covet_v_num(s, i + 1, 2);
    const om = __covet_v_num(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offset = (oh * 60 + om) * (z === 43 ? 1 : -1);
  } else {
    return NaN;
  }
  // Days since 1970-01-01 by arithmetic (Hinnant's days_from_civil, years starting in March): about
  // twice as fast as Date.UTC, which would also map years 0-99 to 1900-1999.
  const m = __covet_v_num(s, 5, 2);
  const y = __covet_v_num(s, 0, 4) - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + __covet_v_num(s, 8, 2) - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86400000 + ((hh * 60 + mi - offset) * 60 + ss) * 1000 + ms;
}`,
  },
  email: {
    deps: [],
    source: `/**
 * "" when s is an email address, else the reason (pydantic's wording). Accepted:
 * an ASCII dot-atom local part (at most 64 characters) "@" a DNS name of at least
 * two labels (letters, digits, inner hyphens; at most 63 each; the last not all
 * digits); at most 254 characters in all. Quoted local parts and IP literals are refused.
 */
function __covet_v_email(s) {
  const at = s.lastIndexOf("@");
  if (at < 0) return "An email address must have an @-sign.";
  if (at === 0) return "There must be something before the @-sign.";
  if (at === s.length - 1) return "There must be something after the @-sign.";
  if (s.length > 254) return "The email address is too long.";
  if (at > 64) return "The email address is too long before the @-sign.";
  let dot = true;
  for (let i = 0; i < at; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (dot) return "The email address contains a period in an invalid position.";
      dot = true;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || "!#$%&'*+-/=?^_\`{|}~".indexOf(s[i]) >= 0) {
      dot = false;
    } else {
      return "The email address contains invalid characters before the @-sign.";
    }
  }
  if (dot) return "The email address contains a period in an invalid position.";
  let labels = 0;
  let start = at + 1;
  let digitsOnly = true;
  for (let i = start; i <= s.length; i++) {
    const c = i === s.length ? 46 : s.charCodeAt(i);
    if (c === 46) {
      const len = i - start;
      if (len === 0 || len > 63) return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
      if (s.charCodeAt(start) === 45 || s.charCodeAt(i - 1) === 45) return "The part after the @-sign is not valid. A label cannot start or end with a hyphen.";
      labels++;
      if (i === s.length) break;
      start = i + 1;
      digitsOnly = true;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45) {
      digitsOnly = false;
    } else if (!(c >= 48 && c <= 57)) {
      return "The part after the @-sign contains invalid characters.";
    }
  }
  if (labels < 2) return "The part after the @-sign is not valid. It should have a period.";
  if (digitsOnly) return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
  return "";
}`,
  },
  uuid: {
    deps: [],
    source: `/** True for the hyphenated form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits, either case). */
function __covet_v_uuid(s) {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}`,
  },
  url: {
    deps: [],
    source: `/**
 * "" when s is an absolute http(s) URL with a host, else the reason. No
 * whitespace, control characters or backslashes anywhere; then the WHATWG
 * parser must accept it (host syntax, port range).
 */
function __covet_v_url(s) {
  let colon = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 92) return "invalid character";
    if (colon < 0 && c === 58) colon = i;
  }
  if (colon < 0) return "relative URL without a base";
  const scheme = s.slice(0, colon).toLowerCase();
  if (scheme !== "http" && scheme !== "https") return /^[a-z][a-z0-9+.-]*$/.test(scheme) ? "scheme" : "relative URL without a base";
  if (s.charCodeAt(colon + 1) !== 47 || s.charCodeAt(colon + 2) !== 47) return "expected // after the scheme";
  const h = s.charCodeAt(colon + 3);
  if (!(h === h) || h === 47 || h === 63 || h === 35) return "empty host";
  try {
    new URL(s);
  } catch {
    return "invalid URL";
  }
  return "";
}`,
  },
  urlError: {
    deps: [],
    source: `/** Error path only: the error object for a \`__covet_v_url\` reason. */
function __covet_v_urlError(loc, reason) {
  if (reason === "scheme") return { loc, msg: "URL scheme should be 'http' or 'https'", type: "url_scheme" };
  return { loc, msg: "Input should be a valid URL, " + reason, type: "url_parsing" };
}`,
  },
  parseNumber: {
    deps: [],
    source: `/** A number from text: optional sign, decimal digits, optional fraction and exponent, surrounding whitespace ignored; NaN otherwise (Infinity on overflow). */
function __covet_v_parseNumber(s) {
  const t = s.trim();
  return /^[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?$/.test(t) ? Number(t) : NaN;
}`,
  },
  parseInt: {
    deps: [],
    source: `/**
 * An integer from text (optional sign, ASCII decimal digits, surrounding whitespace ignored), else NaN.
 * Not range-checked: digits beyond 2^53 come back rounded (callers refuse what is not a safe integer).
 */
function __covet_v_parseInt(s) {
  const t = s.trim();
  return /^[+-]?\\d+$/.test(t) ? Number(t) : NaN;
}`,
  },
  intError: {
    deps: [],
    source: `/** Error path only: why the number n is not an Int (a safe integer); \`text\`: n came from __covet_v_parseInt. */
function __covet_v_intError(loc, n, text) {
  const unsafe = ${errLiteral('safe_integer', M.safe_integer)};
  if (text) return n !== n ? ${errLiteral('int_parsing', M.int_parsing)} : unsafe;
  if (!Number.isFinite(n)) return ${errLiteral('finite_number', M.finite_number)};
  if (!Number.isInteger(n)) return ${errLiteral('int_from_float', M.int_from_float)};
  return unsafe;
}`,
  },
  parseBool: {
    deps: [],
    source: `/** true for true/1/yes/on, false for false/0/no/off (any case, like pydantic), else undefined. */
function __covet_v_parseBool(s) {
  switch (s.toLowerCase()) {
    case "true": case "1": case "yes": case "on": return true;
    case "false": case "0": case "no": case "off": return false;
    default: return undefined;
  }
}`,
  },
  tooDeep: {
    deps: ['hasOwn'],
    source: `/** True when v, found inside \`depth\` objects/arrays, has an object or array more than ${MAX_DEPTH} levels deep (recursion bounded by that). */
function __covet_v_tooDeep(v, depth) {
  if (typeof v !== "object" || v === null) return false;
  if (depth > ${MAX_DEPTH}) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (__covet_v_tooDeep(v[i], depth + 1)) return true;
  } else {
    for (const k in v) if (__covet_hasOwn.call(v, k) && __covet_v_tooDeep(v[k], depth + 1)) return true;
  }
  return false;
}`,
  },
};

/** Each helper, by its short name; `hasOwn` is the one validators share with serializers. */
export const VALIDATOR_HELPERS = { hasOwn: HAS_OWN } as Record<HelperName, Helper>;
for (const [name, src] of Object.entries(SOURCES) as [Exclude<HelperName, 'hasOwn'>, Source][]) {
  VALIDATOR_HELPERS[name] = { name: HELPER_PREFIX + name, source: src.source, deps: src.deps.map((d) => VALIDATOR_HELPERS[d]) };
}

/** Emission order (a helper comes after the helpers it uses, for readers). */
export const VALIDATOR_HELPER_ORDER: readonly Helper[] = Object.values(VALIDATOR_HELPERS);
