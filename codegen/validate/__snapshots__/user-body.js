/** How many enumerable keys `o` has (a parsed JSON object: its own): equal to the declared keys present, it has no others. */
function __covet_v_keyCount(o) {
  let n = 0;
  for (const k in o) n++;
  return n;
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

/**
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
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || "!#$%&'*+-/=?^_`{|}~".indexOf(s[i]) >= 0) {
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
}

/** Error path only: why the number n is not an Int (a safe integer); `text`: n came from __covet_v_parseInt. */
function __covet_v_intError(loc, n, text) {
  const unsafe = { loc, msg: "Input should be a safe integer, between -9007199254740991 and 9007199254740991", type: "safe_integer" };
  if (text) return n !== n ? { loc, msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing" } : unsafe;
  if (!Number.isFinite(n)) return { loc, msg: "Input should be a finite number", type: "finite_number" };
  if (!Number.isInteger(n)) return { loc, msg: "Input should be a valid integer, got a number with a fractional part", type: "int_from_float" };
  return unsafe;
}

// User: User  ←  app/users.ts:4
// A registered user.
// as a request body: every loc starts with "body"
function validate_User(v, errs, depth) {
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: ["body"], msg: "Input should be a valid dictionary or instance of User", type: "model_type" });
  } else {
    let same2 = true;
    let n3 = 5;
    // "id": number & Int
    let v4 = v.id;
    if (v4 === undefined) {
      errs.push({ loc: ["body", "id"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v4 !== "number") {
        errs.push({ loc: ["body", "id"], msg: "Input should be a valid integer", type: "int_type" });
      } else if (!Number.isSafeInteger(v4)) {
        errs.push(__covet_v_intError(["body", "id"], v4, false));
      }
    }
    // "name": string & MinLength<1> & MaxLength<50>
    let v5 = v.name;
    if (v5 === undefined) {
      errs.push({ loc: ["body", "name"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v5 !== "string") {
        errs.push({ loc: ["body", "name"], msg: "Input should be a valid string", type: "string_type" });
      } else if (v5.length < 1 || (v5.length < 2 && __covet_v_cpLen(v5) < 1)) {
        errs.push({ loc: ["body", "name"], msg: "String should have at least 1 character", type: "string_too_short" });
      } else if (v5.length > 50 && (v5.length > 100 || __covet_v_cpLen(v5) > 50)) {
        errs.push({ loc: ["body", "name"], msg: "String should have at most 50 characters", type: "string_too_long" });
      }
    }
    // "email": string & email
    let v6 = v.email;
    if (v6 === undefined) {
      errs.push({ loc: ["body", "email"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v6 !== "string") {
        errs.push({ loc: ["body", "email"], msg: "Input should be a valid string", type: "string_type" });
      } else if (__covet_v_email(v6) !== "") {
        errs.push({ loc: ["body", "email"], msg: "value is not a valid email address: " + __covet_v_email(v6), type: "value_error" });
      }
    }
    // "age"?: number & Int & Min<0> & Max<150>
    let v7 = v.age;
    if (v7 !== undefined) {
      n3++;
      if (typeof v7 !== "number") {
        errs.push({ loc: ["body", "age"], msg: "Input should be a valid integer", type: "int_type" });
      } else if (!Number.isInteger(v7)) {
        errs.push(__covet_v_intError(["body", "age"], v7, false));
      } else if (v7 < 0) {
        errs.push({ loc: ["body", "age"], msg: "Input should be greater than or equal to 0", type: "greater_than_equal" });
      } else if (v7 > 150) {
        errs.push({ loc: ["body", "age"], msg: "Input should be less than or equal to 150", type: "less_than_equal" });
      }
    }
    // "tags": string[]
    let v8 = v.tags;
    if (v8 === undefined) {
      errs.push({ loc: ["body", "tags"], msg: "Field required", type: "missing" });
    } else {
      if (!Array.isArray(v8)) {
        errs.push({ loc: ["body", "tags"], msg: "Input should be a valid list", type: "list_type" });
      } else {
        for (let i9 = 0; i9 < v8.length; i9++) {
          const x10 = v8[i9];
          if (typeof x10 !== "string") {
            errs.push({ loc: ["body", "tags", i9], msg: "Input should be a valid string", type: "string_type" });
          }
        }
      }
    }
    // "role": "admin" | "member"
    let v11 = v.role;
    if (v11 === undefined) {
      v11 = "member";
      same2 = false;
    } else {
      if (v11 !== "admin" && v11 !== "member") {
        errs.push({ loc: ["body", "role"], msg: "Input should be 'admin' or 'member'", type: "literal_error" });
      }
    }
    if (same2 && __covet_v_keyCount(v) === n3) {
      o1 = v;
    } else {
      o1 = { id: v4, name: v5, email: v6 };
      if (v7 !== undefined) o1.age = v7;
      o1.tags = v8;
      o1.role = v11;
    }
  }
  return o1;
}

// request body of createUser (parameter body): User
function validate_createUser_body(v, errs) {
  if (v === undefined) {
    errs.push({ loc: ["body"], msg: "Field required", type: "missing" });
    return undefined;
  }
  return validate_User(v, errs, 0);
}
