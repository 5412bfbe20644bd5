const __covet_hasOwn = Object.prototype.hasOwnProperty;

/** `o[k] = v` for a key from the input; `__proto__` becomes an own data property, never the prototype. */
function __covet_v_setKey(o, k, v) {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** Error path only: why the number n is not an Int (a safe integer); `text`: n came from __covet_v_parseInt. */
function __covet_v_intError(loc, n, text) {
  const unsafe = { loc, msg: "Input should be a safe integer, between -9007199254740991 and 9007199254740991", type: "safe_integer" };
  if (text) return n !== n ? { loc, msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing" } : unsafe;
  if (!Number.isFinite(n)) return { loc, msg: "Input should be a finite number", type: "finite_number" };
  if (!Number.isInteger(n)) return { loc, msg: "Input should be a valid integer, got a number with a fractional part", type: "int_from_float" };
  return unsafe;
}

// request body of hostile (parameter body): { "'"; "*/"?; " "; __proto__?; constructor; [key: string]: string }
function validate_hostile_body(v, errs) {
  if (v === undefined) {
    errs.push({ loc: ["body"], msg: "Field required", type: "missing" });
    return undefined;
  }
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", type: "model_type" });
  } else {
    // "'": number & Int
    let v2 = v["'"];
    if (v2 === undefined) {
      errs.push({ loc: ["body", "'"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v2 !== "number") {
        errs.push({ loc: ["body", "'"], msg: "Input should be a valid integer", type: "int_type" });
      } else if (!Number.isSafeInteger(v2)) {
        errs.push(__covet_v_intError(["body", "'"], v2, false));
      }
    }
    // "*/"?: string
    let v3 = v["*/"];
    if (v3 !== undefined) {
      if (typeof v3 !== "string") {
        errs.push({ loc: ["body", "*/"], msg: "Input should be a valid string", type: "string_type" });
      }
    }
    // " ": boolean
    let v4 = v["\u2028"];
    if (v4 === undefined) {
      errs.push({ loc: ["body", "\u2028"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v4 !== "boolean") {
        errs.push({ loc: ["body", "\u2028"], msg: "Input should be a valid boolean", type: "bool_type" });
      }
    }
    // "__proto__"?: string
    let v5 = __covet_hasOwn.call(v, "__proto__") ? v.__proto__ : undefined;
    if (v5 !== undefined) {
      if (typeof v5 !== "string") {
        errs.push({ loc: ["body", "__proto__"], msg: "Input should be a valid string", type: "string_type" });
      }
    }
    // "constructor": string
    let v6 = __covet_hasOwn.call(v, "constructor") ? v.constructor : undefined;
    if (v6 === undefined) {
      errs.push({ loc: ["body", "constructor"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v6 !== "string") {
        errs.push({ loc: ["body", "constructor"], msg: "Input should be a valid string", type: "string_type" });
      }
    }
    o1 = { "'": v2 };
    if (v3 !== undefined) o1["*/"] = v3;
    o1["\u2028"] = v4;
    if (v5 !== undefined) __covet_v_setKey(o1, "__proto__", v5);
    o1.constructor = v6;
    for (const k7 in v) {
      if (!__covet_hasOwn.call(v, k7) || k7 === "'" || k7 === "*/" || k7 === "\u2028" || k7 === "__proto__" || k7 === "constructor") continue;
      const x8 = v[k7];
      if (typeof x8 !== "string") {
        errs.push({ loc: ["body", k7], msg: "Input should be a valid string", type: "string_type" });
      }
      __covet_v_setKey(o1, k7, x8);
    }
  }
  return o1;
}
