/**
 * The run-time helpers every generated serializer leans on, as constant
 * source text. Each is emitted at most once, under the reserved prefix
 * `__covet_s_`, and only when some serializer uses it.
 *
 * They all share one contract: given ANY value, return valid JSON text and
 * never `undefined`. A value of the expected runtime type takes the fast path;
 * anything else goes through `__covet_s_any` (`JSON.stringify`, with
 * `undefined`/functions/symbols written as `null`).
 */

import { HAS_OWN, type Helper } from '../scope.ts';

export type HelperId = 'hasOwn' | 'any' | 'str' | 'plain' | 'plains' | 'num' | 'bool' | 'null' | 'date';

/**
 * Strings shorter than this are checked with a charCodeAt loop; longer ones
 * with one regex test. Measured on Node 20 (ns per call including flattening
 * the result; tiny = 3 chars, short ≈ 10, medium ≈ 50, long ≈ 600):
 *
 *            loop    regex   JSON.stringify
 *   tiny     27.5    37.2    87.5
 *   short    94.5    86.6   146.0
 *   medium  206.0   206.4   283.0
 *   long   1814.0  1137.9  2357.3
 *   escaped 185.2   161.7   171.5   (→ escaped strings go to JSON.stringify)
 *
 * So: the loop for short strings, the regex beyond, JSON.stringify only once
 * escaping is known to be needed (it is as fast as anything for that, and it
 * is the definition of the right answer).
 */
export const SHORT_STRING = 32;

/*
 * `__covet_s_escapable` matches what JSON.stringify escapes: control
 * characters, `"`, `\`, and (well-formed JSON.stringify) every surrogate
 * code unit; a matched surrogate may be part of a valid pair, which
 * JSON.stringify then leaves alone — falling back to it is always right.
 */
const SOURCE: Record<Exclude<HelperId, 'hasOwn'>, string> = {
  any: String.raw`function __covet_s_any(v) {
  const s = JSON.stringify(v);
  return s === undefined ? 'null' : s;
}`,
  str: String.raw`const __covet_s_escapable = /[\u0000-\u001f"\\\ud800-\udfff]/;
function __covet_s_str(v) {
  if (typeof v !== 'string') return __covet_s_any(v);
  const n = v.length;
  if (n < ${SHORT_STRING}) {
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(v);
    }
    return '"' + v + '"';
  }
  return __covet_s_escapable.test(v) ? JSON.stringify(v) : '"' + v + '"';
}`,
  // true when v is a string that JSON writes as itself between quotes: the serializers' fast path
  // then puts the quotes into their constant text (one concatenation per value, not three).
  plain: String.raw`function __covet_s_plain(v) {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n < ${SHORT_STRING}) {
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
    }
    return true;
  }
  return !__covet_s_escapable.test(v);
}`,
  plains: String.raw`function __covet_s_plains(v) {
  for (let i = 0; i < v.length; i++) if (!__covet_s_plain(v[i])) return false;
  return true;
}`,
  // Amounts in cents (12.99, 0.5) are the common non-integers of an API: written from the integer
  // number of hundredths when that is exact (c / 100 === v), which is then the shortest text that
  // reads back as v, i.e. what '' + v gives; V8's own conversion (dtoa) costs ~500 instructions
  // a number (bench list-100, 200 prices an answer). Integers and everything else: '' + v.
  num: String.raw`const __covet_s_cents = Array.from({ length: 100 }, (_, f) => (f === 0 ? '' : f % 10 === 0 ? '.' + f / 10 : (f < 10 ? '.0' : '.') + f));
function __covet_s_num(v) {
  if (typeof v !== 'number') return __covet_s_any(v);
  const c = Math.round(v * 100);
  if (c / 100 === v && c % 100 !== 0 && c < 2147483648 && c > -2147483648) {
    const a = c < 0 ? -c : c;
    const i = (a / 100) | 0;
    return (c < 0 ? '-' + i : '' + i) + __covet_s_cents[a - i * 100];
  }
  return Number.isFinite(v) ? '' + v : 'null';
}`,
  bool: String.raw`function __covet_s_bool(v) {
  return v === true ? 'true' : v === false ? 'false' : __covet_s_any(v);
}`,
  null: String.raw`function __covet_s_null(v) {
  return v === null ? 'null' : __covet_s_any(v);
}`,
  date: String.raw`function __covet_s_date(v) {
  if (!(v instanceof Date)) return __covet_s_any(v);
  return Number.isFinite(v.getTime()) ? '"' + v.toISOString() + '"' : 'null';
}`,
};

const any: Helper = { name: '__covet_s_any', source: SOURCE.any };
const dep = [any];
const str: Helper = { name: '__covet_s_str', source: SOURCE.str, deps: dep, declares: ['__covet_s_escapable'] };
const plain: Helper = { name: '__covet_s_plain', source: SOURCE.plain, deps: [str] };

/** Each helper, by id; `hasOwn` is the one serializers share with validators. */
export const SERIALIZER_HELPERS: Record<HelperId, Helper> = {
  hasOwn: HAS_OWN,
  any,
  str,
  plain,
  plains: { name: '__covet_s_plains', source: SOURCE.plains, deps: [plain] },
  num: { name: '__covet_s_num', source: SOURCE.num, deps: dep, declares: ['__covet_s_cents'] },
  bool: { name: '__covet_s_bool', source: SOURCE.bool, deps: dep },
  null: { name: '__covet_s_null', source: SOURCE.null, deps: dep },
  date: { name: '__covet_s_date', source: SOURCE.date, deps: dep },
};

/** Emission order (stable golden files). */
export const SERIALIZER_HELPER_ORDER: readonly Helper[] = Object.values(SERIALIZER_HELPERS);
