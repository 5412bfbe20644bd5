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

/** True for the hyphenated form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits, either case). */
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
}

/**
 * An integer from text (optional sign, ASCII decimal digits, surrounding whitespace ignored), else NaN.
 * Not range-checked: digits beyond 2^53 come back rounded (callers refuse what is not a safe integer).
 */
function __covet_v_parseInt(s) {
  const t = s.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
}

/** Error path only: why the number n is not an Int (a safe integer); `text`: n came from __covet_v_parseInt. */
function __covet_v_intError(loc, n, text) {
  const unsafe = { loc, msg: "Input should be a safe integer, between -9007199254740991 and 9007199254740991", type: "safe_integer" };
  if (text) return n !== n ? { loc, msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing" } : unsafe;
  if (!Number.isFinite(n)) return { loc, msg: "Input should be a finite number", type: "finite_number" };
  if (!Number.isInteger(n)) return { loc, msg: "Input should be a valid integer, got a number with a fractional part", type: "int_from_float" };
  return unsafe;
}

/** true for true/1/yes/on, false for false/0/no/off (any case, like pydantic), else undefined. */
function __covet_v_parseBool(s) {
  switch (s.toLowerCase()) {
    case "true": case "1": case "yes": case "on": return true;
    case "false": case "0": case "no": case "off": return false;
    default: return undefined;
  }
}

// path parameter "id" of getTodo: number & Int & Min<1>
function validate_getTodo_id(raw, errs) {
  if (raw === undefined) {
    errs.push({ loc: ["path", "id"], msg: "Field required", type: "missing" });
    return undefined;
  }
  const n1 = __covet_v_parseInt(raw);
  if (!Number.isSafeInteger(n1)) {
    errs.push(__covet_v_intError(["path", "id"], n1, true));
  } else if (n1 < 1) {
    errs.push({ loc: ["path", "id"], msg: "Input should be greater than or equal to 1", type: "greater_than_equal" });
  }
  return n1;
}

// query parameter "status" of listTodos: Status
function validate_listTodos_status(raw, errs) {
  if (raw === undefined) {
    return undefined;
  }
  let o1;
  if (raw === "open" || raw === "done") {
    o1 = raw;
  } else {
    errs.push({ loc: ["query", "status"], msg: "Input should be 'open' or 'done'", type: "enum" });
  }
  return o1;
}

// query parameter "tag" of listTodos: (string & MaxLength<20>)[]
function validate_listTodos_tags(raw, errs) {
  if (raw.length === 0) {
    return undefined;
  }
  for (let i1 = 0; i1 < raw.length; i1++) {
    const x2 = raw[i1];
    if (x2.length > 20 && (x2.length > 40 || __covet_v_cpLen(x2) > 20)) {
      errs.push({ loc: ["query", "tag", i1], msg: "String should have at most 20 characters", type: "string_too_long" });
    }
  }
  return raw;
}

// query parameter "done" of listTodos: boolean
function validate_listTodos_done(raw, errs) {
  if (raw === undefined) {
    return false;
  }
  const b1 = __covet_v_parseBool(raw);
  if (b1 === undefined) {
    errs.push({ loc: ["query", "done"], msg: "Input should be a valid boolean, unable to interpret input", type: "bool_parsing" });
  }
  return b1;
}

// header parameter "x-api-key" of listTodos: string & uuid
function validate_listTodos_apiKey(raw, errs) {
  if (raw === undefined) {
    errs.push({ loc: ["header", "x-api-key"], msg: "Field required", type: "missing" });
    return undefined;
  }
  if (!__covet_v_uuid(raw)) {
    errs.push({ loc: ["header", "x-api-key"], msg: "Input should be a valid UUID, expected 32 hexadecimal digits as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", type: "uuid_parsing" });
  }
  return raw;
}

// cookie parameter "since" of listTodos: Date
function validate_listTodos_since(raw, errs) {
  if (raw === undefined) {
    return undefined;
  }
  let o1;
  const ms2 = __covet_v_dateTime(raw);
  if (ms2 !== ms2) {
    errs.push({ loc: ["cookie", "since"], msg: "Input should be a valid datetime, expected an RFC 3339 date-time with a time zone, such as 2024-01-31T12:00:00Z", type: "datetime_parsing" });
  } else {
    o1 = new Date(ms2);
  }
  return o1;
}
