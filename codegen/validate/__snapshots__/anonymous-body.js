const __covet_hasOwn = Object.prototype.hasOwnProperty;

/** `o[k] = v` for a key from the input; `__proto__` becomes an own data property, never the prototype. */
function __covet_v_setKey(o, k, v) {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** Length in Unicode code points (a lone surrogate counts as one), like Python's len() and ajv. */
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
}

/** Deep equality of JSON values, iterative (hostile nesting cannot overflow the stack). */
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
}

/** Index of the first item that equals (as JSON) an earlier one, or -1. */
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
}

/** The decimal number in s[i, i + k), or -1 if any of those characters is not a digit. */
function __covet_v_num(s, i, k) {
  let v = 0;
  for (let j = i; j < i + k; j++) {
    const c = s.charCodeAt(j) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days in month `m` (1-12) of year `y` (proleptic Gregorian). */
function __covet_v_days(y, m) {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** True when s begins with a valid calendar date YYYY-MM-DD. */
function __covet_v_date(s) {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = __covet_v_num(s, 0, 4);
  const m = __covet_v_num(s, 5, 2);
  const d = __covet_v_num(s, 8, 2);
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= __covet_v_days(y, m);
}

/**
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
}

/** Error path only: why the number n is not an Int (a safe integer); `text`: n came from __covet_v_parseInt. */
function __covet_v_intError(loc, n, text) {
  const unsafe = { loc, msg: "Input should be a safe integer, between -9007199254740991 and 9007199254740991", type: "safe_integer" };
  if (text) return n !== n ? { loc, msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing" } : unsafe;
  if (!Number.isFinite(n)) return { loc, msg: "Input should be a finite number", type: "finite_number" };
  if (!Number.isInteger(n)) return { loc, msg: "Input should be a valid integer, got a number with a fractional part", type: "int_from_float" };
  return unsafe;
}

/** True when v, found inside `depth` objects/arrays, has an object or array more than 64 levels deep (recursion bounded by that). */
function __covet_v_tooDeep(v, depth) {
  if (typeof v !== "object" || v === null) return false;
  if (depth > 64) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (__covet_v_tooDeep(v[i], depth + 1)) return true;
  } else {
    for (const k in v) if (__covet_hasOwn.call(v, k) && __covet_v_tooDeep(v[k], depth + 1)) return true;
  }
  return false;
}

// pattern of validate_createTodo_body
const validate_createTodo_body_pattern = /^\S/;

// request body of createTodo (parameter body): { title; due?; point; value; meta?; [key: string]: string[] }
function validate_createTodo_body(v, errs) {
  if (v === undefined) {
    errs.push({ loc: ["body"], msg: "Field required", type: "missing" });
    return undefined;
  }
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", type: "model_type" });
  } else {
    // "title": string & MinLength<1> & Pattern
    let v2 = v.title;
    if (v2 === undefined) {
      errs.push({ loc: ["body", "title"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v2 !== "string") {
        errs.push({ loc: ["body", "title"], msg: "Input should be a valid string", type: "string_type" });
      } else if (v2.length < 1 || (v2.length < 2 && __covet_v_cpLen(v2) < 1)) {
        errs.push({ loc: ["body", "title"], msg: "String should have at least 1 character", type: "string_too_short" });
      } else if (!validate_createTodo_body_pattern.test(v2)) {
        errs.push({ loc: ["body", "title"], msg: "String should match pattern '^\\S'", type: "string_pattern_mismatch" });
      }
    }
    // "due"?: Date | null
    let v3 = v.due;
    if (v3 !== undefined) {
      let o4;
      if (v3 === null) {
        o4 = null;
      } else {
        let o5;
        if (typeof v3 !== "string") {
          errs.push({ loc: ["body", "due"], msg: "Input should be a valid datetime", type: "datetime_type" });
        } else {
          const ms6 = __covet_v_dateTime(v3);
          if (ms6 !== ms6) {
            errs.push({ loc: ["body", "due"], msg: "Input should be a valid datetime, expected an RFC 3339 date-time with a time zone, such as 2024-01-31T12:00:00Z", type: "datetime_parsing" });
          } else {
            o5 = new Date(ms6);
          }
        }
        o4 = o5;
      }
      v3 = o4;
    }
    // "point": [number, number]
    let v7 = v.point;
    if (v7 === undefined) {
      errs.push({ loc: ["body", "point"], msg: "Field required", type: "missing" });
    } else {
      if (!Array.isArray(v7)) {
        errs.push({ loc: ["body", "point"], msg: "Input should be a valid tuple", type: "tuple_type" });
      } else if (v7.length < 2) {
        errs.push({ loc: ["body", "point"], msg: "Tuple should have at least 2 items after validation, not " + v7.length, type: "too_short" });
      } else if (v7.length > 2) {
        errs.push({ loc: ["body", "point"], msg: "Tuple should have at most 2 items after validation, not " + v7.length, type: "too_long" });
      } else {
        const x8 = v7[0];
        if (typeof x8 !== "number") {
          errs.push({ loc: ["body", "point", 0], msg: "Input should be a valid number", type: "float_type" });
        } else if (!Number.isFinite(x8)) {
          errs.push({ loc: ["body", "point", 0], msg: "Input should be a finite number", type: "finite_number" });
        }
        const x9 = v7[1];
        if (typeof x9 !== "number") {
          errs.push({ loc: ["body", "point", 1], msg: "Input should be a valid number", type: "float_type" });
        } else if (!Number.isFinite(x9)) {
          errs.push({ loc: ["body", "point", 1], msg: "Input should be a finite number", type: "finite_number" });
        }
      }
    }
    // "value": string | number & Int | boolean | "auto"
    let v10 = v.value;
    if (v10 === undefined) {
      errs.push({ loc: ["body", "value"], msg: "Field required", type: "missing" });
    } else {
      const n11 = errs.length;
      u12: {
        // variant string: string
        if (typeof v10 === "string") {
          const m13 = errs.length;
          if (errs.length === m13) {
            errs.length = n11;
            break u12;
          }
        }
        // variant integer: number & Int
        if (typeof v10 === "number") {
          const m14 = errs.length;
          if (!Number.isSafeInteger(v10)) {
            errs.push(__covet_v_intError(["body", "value", "integer"], v10, false));
          }
          if (errs.length === m14) {
            errs.length = n11;
            break u12;
          }
        }
        // variant boolean: boolean
        if (typeof v10 === "boolean") {
          const m15 = errs.length;
          if (errs.length === m15) {
            errs.length = n11;
            break u12;
          }
        }
        // variant literal['auto']: "auto"
        if (v10 === "auto") {
          const m16 = errs.length;
          if (errs.length === m16) {
            errs.length = n11;
            break u12;
          }
        }
        if (errs.length === n11) {
          errs.push({ loc: ["body", "value", "string"], msg: "Input should be a valid string", type: "string_type" });
          errs.push({ loc: ["body", "value", "integer"], msg: "Input should be a valid integer", type: "int_type" });
          errs.push({ loc: ["body", "value", "boolean"], msg: "Input should be a valid boolean", type: "bool_type" });
          errs.push({ loc: ["body", "value", "literal['auto']"], msg: "Input should be 'auto'", type: "literal_error" });
        }
      }
    }
    // "meta"?: unknown
    let v17 = v.meta;
    if (v17 !== undefined) {
      if (__covet_v_tooDeep(v17, 1)) {
        errs.push({ loc: ["body", "meta"], msg: "Input is nested too deeply: at most 64 levels are allowed", type: "recursion_loop" });
      }
    }
    o1 = { title: v2 };
    if (v3 !== undefined) o1.due = v3;
    o1.point = v7;
    o1.value = v10;
    if (v17 !== undefined) o1.meta = v17;
    for (const k18 in v) {
      if (!__covet_hasOwn.call(v, k18) || k18 === "title" || k18 === "due" || k18 === "point" || k18 === "value" || k18 === "meta") continue;
      const x19 = v[k18];
      if (!Array.isArray(x19)) {
        errs.push({ loc: ["body", k18], msg: "Input should be a valid list", type: "list_type" });
      } else {
        for (let i20 = 0; i20 < x19.length; i20++) {
          const x21 = x19[i20];
          if (typeof x21 !== "string") {
            errs.push({ loc: ["body", k18, i20], msg: "Input should be a valid string", type: "string_type" });
          }
        }
        const d22 = __covet_v_duplicate(x19);
        if (d22 >= 0) {
          errs.push({ loc: ["body", k18], msg: "Value error, List should have unique items; a duplicate is at index " + d22, type: "value_error" });
        }
      }
      __covet_v_setKey(o1, k18, x19);
    }
  }
  return o1;
}
