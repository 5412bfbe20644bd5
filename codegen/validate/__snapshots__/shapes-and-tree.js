const __covet_hasOwn = Object.prototype.hasOwnProperty;

/** Error path only: puts `prefix` in front of the loc of every error pushed since index `n` (a new array: `unshift` is slower). */
function __covet_v_prefix(errs, n, prefix) {
  for (let i = n; i < errs.length; i++) errs[i].loc = [...prefix, ...errs[i].loc];
}

/** How many enumerable keys `o` has (a parsed JSON object: its own): equal to the declared keys present, it has no others. */
function __covet_v_keyCount(o) {
  let n = 0;
  for (const k in o) n++;
  return n;
}

/** Error path only: a short human rendering of an input value for a message. */
function __covet_v_repr(v) {
  if (typeof v === "string") return "'" + (v.length > 100 ? v.slice(0, 100) + "…" : v) + "'";
  if (typeof v === "object") return v === null ? "null" : Array.isArray(v) ? "an array" : "an object";
  return String(v);
}

// Shape: Circle | Square
function validate_Shape(v, errs, depth) {
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: [], msg: "Input should be a valid dictionary or object to extract fields from", type: "model_type" });
  } else {
    const tag2 = __covet_hasOwn.call(v, "kind") ? v.kind : undefined;
    switch (tag2) {
      case "circle": {
        const n4 = errs.length;
        const r3 = validate_Circle(v, errs, depth);
        if (errs.length !== n4) __covet_v_prefix(errs, n4, ["circle"]);
        o1 = r3;
        break;
      }
      case "square": {
        const n6 = errs.length;
        const r5 = validate_Square(v, errs, depth);
        if (errs.length !== n6) __covet_v_prefix(errs, n6, ["square"]);
        o1 = r5;
        break;
      }
      default: {
        if (tag2 === undefined) {
          errs.push({ loc: [], msg: "Unable to extract tag using discriminator 'kind'", type: "union_tag_not_found" });
        } else {
          errs.push({ loc: [], msg: "Input tag " + __covet_v_repr(tag2) + " found using 'kind' does not match any of the expected tags: 'circle', 'square'", type: "union_tag_invalid" });
        }
      }
    }
  }
  return o1;
}

// Circle: Circle
function validate_Circle(v, errs, depth) {
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: [], msg: "Input should be a valid dictionary or instance of Circle", type: "model_type" });
  } else {
    let same2 = true;
    let n3 = 2;
    // "kind": "circle"
    let v4 = v.kind;
    if (v4 === undefined) {
      errs.push({ loc: ["kind"], msg: "Field required", type: "missing" });
    } else {
      if (v4 !== "circle") {
        errs.push({ loc: ["kind"], msg: "Input should be 'circle'", type: "literal_error" });
      }
    }
    // "radius": number & ExclusiveMin<0>
    let v5 = v.radius;
    if (v5 === undefined) {
      errs.push({ loc: ["radius"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v5 !== "number") {
        errs.push({ loc: ["radius"], msg: "Input should be a valid number", type: "float_type" });
      } else if (!Number.isFinite(v5)) {
        errs.push({ loc: ["radius"], msg: "Input should be a finite number", type: "finite_number" });
      } else if (v5 <= 0) {
        errs.push({ loc: ["radius"], msg: "Input should be greater than 0", type: "greater_than" });
      }
    }
    if (same2 && __covet_v_keyCount(v) === n3) {
      o1 = v;
    } else {
      o1 = { kind: v4, radius: v5 };
    }
  }
  return o1;
}

// Square: Square
function validate_Square(v, errs, depth) {
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: [], msg: "Input should be a valid dictionary or instance of Square", type: "model_type" });
  } else {
    let same2 = true;
    let n3 = 2;
    // "kind": "square"
    let v4 = v.kind;
    if (v4 === undefined) {
      errs.push({ loc: ["kind"], msg: "Field required", type: "missing" });
    } else {
      if (v4 !== "square") {
        errs.push({ loc: ["kind"], msg: "Input should be 'square'", type: "literal_error" });
      }
    }
    // "side": number & Min<0>
    let v5 = v.side;
    if (v5 === undefined) {
      errs.push({ loc: ["side"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v5 !== "number") {
        errs.push({ loc: ["side"], msg: "Input should be a valid number", type: "float_type" });
      } else if (!Number.isFinite(v5)) {
        errs.push({ loc: ["side"], msg: "Input should be a finite number", type: "finite_number" });
      } else if (v5 < 0) {
        errs.push({ loc: ["side"], msg: "Input should be greater than or equal to 0", type: "greater_than_equal" });
      }
    }
    if (same2 && __covet_v_keyCount(v) === n3) {
      o1 = v;
    } else {
      o1 = { kind: v4, side: v5 };
    }
  }
  return o1;
}

// request body of drawShapes (parameter shapes): Shape[]
function validate_drawShapes_body(v, errs) {
  if (v === undefined) {
    errs.push({ loc: ["body"], msg: "Field required", type: "missing" });
    return undefined;
  }
  let o1;
  if (!Array.isArray(v)) {
    errs.push({ loc: ["body"], msg: "Input should be a valid list", type: "list_type" });
  } else if (v.length > 100) {
    errs.push({ loc: ["body"], msg: "List should have at most 100 items after validation, not " + v.length, type: "too_long" });
  } else {
    o1 = v;
    for (let i2 = 0; i2 < v.length; i2++) {
      const x3 = v[i2];
      const n5 = errs.length;
      const r4 = validate_Shape(x3, errs, 1);
      if (errs.length !== n5) __covet_v_prefix(errs, n5, ["body", i2]);
      if (r4 !== x3 && o1 === v) o1 = v.slice(0, i2);
      if (o1 !== v) o1.push(r4);
    }
  }
  return o1;
}

// Tree: Tree
function validate_Tree(v, errs, depth) {
  if (depth > 64) {
    errs.push({ loc: [], msg: "Input is nested too deeply: at most 64 levels are allowed", type: "recursion_loop" });
    return undefined;
  }
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: [], msg: "Input should be a valid dictionary or instance of Tree", type: "model_type" });
  } else {
    let same2 = true;
    let n3 = 2;
    // "value": number
    let v4 = v.value;
    if (v4 === undefined) {
      errs.push({ loc: ["value"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v4 !== "number") {
        errs.push({ loc: ["value"], msg: "Input should be a valid number", type: "float_type" });
      } else if (!Number.isFinite(v4)) {
        errs.push({ loc: ["value"], msg: "Input should be a finite number", type: "finite_number" });
      }
    }
    // "children": Tree[]
    let v5 = v.children;
    if (v5 === undefined) {
      errs.push({ loc: ["children"], msg: "Field required", type: "missing" });
    } else {
      let o6;
      if (!Array.isArray(v5)) {
        errs.push({ loc: ["children"], msg: "Input should be a valid list", type: "list_type" });
      } else {
        o6 = v5;
        for (let i7 = 0; i7 < v5.length; i7++) {
          const x8 = v5[i7];
          const n10 = errs.length;
          const r9 = validate_Tree(x8, errs, depth + 2);
          if (errs.length !== n10) __covet_v_prefix(errs, n10, ["children", i7]);
          if (r9 !== x8 && o6 === v5) o6 = v5.slice(0, i7);
          if (o6 !== v5) o6.push(r9);
        }
      }
      if (o6 !== v5) same2 = false;
      v5 = o6;
    }
    if (same2 && __covet_v_keyCount(v) === n3) {
      o1 = v;
    } else {
      o1 = { value: v4, children: v5 };
    }
  }
  return o1;
}

// request body of saveTree (parameter tree): Tree
function validate_saveTree_body(v, errs) {
  if (v === undefined) {
    return undefined;
  }
  const n2 = errs.length;
  const r1 = validate_Tree(v, errs, 0);
  if (errs.length !== n2) __covet_v_prefix(errs, n2, ["body"]);
  return r1;
}
