const __covet_hasOwn = Object.prototype.hasOwnProperty;

/** Error path only: puts `prefix` in front of the loc of every error pushed since index `n` (a new array: `unshift` is slower). */
function __covet_v_prefix(errs, n, prefix) {
  for (let i = n; i < errs.length; i++) errs[i].loc = [...prefix, ...errs[i].loc];
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
    // "kind": "circle"
    let v2 = v.kind;
    if (v2 === undefined) {
      errs.push({ loc: ["kind"], msg: "Field required", type: "missing" });
    } else {
      if (v2 !== "circle") {
        errs.push({ loc: ["kind"], msg: "Input should be 'circle'", type: "literal_error" });
      }
    }
    // "radius": number & ExclusiveMin<0>
    let v3 = v.radius;
    if (v3 === undefined) {
      errs.push({ loc: ["radius"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v3 !== "number") {
        errs.push({ loc: ["radius"], msg: "Input should be a valid number", type: "float_type" });
      } else if (!Number.isFinite(v3)) {
        errs.push({ loc: ["radius"], msg: "Input should be a finite number", type: "finite_number" });
      } else if (v3 <= 0) {
        errs.push({ loc: ["radius"], msg: "Input should be greater than 0", type: "greater_than" });
      }
    }
    o1 = { kind: v2, radius: v3 };
  }
  return o1;
}

// Square: Square
function validate_Square(v, errs, depth) {
  let o1;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    errs.push({ loc: [], msg: "Input should be a valid dictionary or instance of Square", type: "model_type" });
  } else {
    // "kind": "square"
    let v2 = v.kind;
    if (v2 === undefined) {
      errs.push({ loc: ["kind"], msg: "Field required", type: "missing" });
    } else {
      if (v2 !== "square") {
        errs.push({ loc: ["kind"], msg: "Input should be 'square'", type: "literal_error" });
      }
    }
    // "side": number & Min<0>
    let v3 = v.side;
    if (v3 === undefined) {
      errs.push({ loc: ["side"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v3 !== "number") {
        errs.push({ loc: ["side"], msg: "Input should be a valid number", type: "float_type" });
      } else if (!Number.isFinite(v3)) {
        errs.push({ loc: ["side"], msg: "Input should be a finite number", type: "finite_number" });
      } else if (v3 < 0) {
        errs.push({ loc: ["side"], msg: "Input should be greater than or equal to 0", type: "greater_than_equal" });
      }
    }
    o1 = { kind: v2, side: v3 };
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
    o1 = [];
    for (let i2 = 0; i2 < v.length; i2++) {
      const x3 = v[i2];
      const n5 = errs.length;
      const r4 = validate_Shape(x3, errs, 1);
      if (errs.length !== n5) __covet_v_prefix(errs, n5, ["body", i2]);
      o1.push(r4);
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
    // "value": number
    let v2 = v.value;
    if (v2 === undefined) {
      errs.push({ loc: ["value"], msg: "Field required", type: "missing" });
    } else {
      if (typeof v2 !== "number") {
        errs.push({ loc: ["value"], msg: "Input should be a valid number", type: "float_type" });
      } else if (!Number.isFinite(v2)) {
        errs.push({ loc: ["value"], msg: "Input should be a finite number", type: "finite_number" });
      }
    }
    // "children": Tree[]
    let v3 = v.children;
    if (v3 === undefined) {
      errs.push({ loc: ["children"], msg: "Field required", type: "missing" });
    } else {
      let o4;
      if (!Array.isArray(v3)) {
        errs.push({ loc: ["children"], msg: "Input should be a valid list", type: "list_type" });
      } else {
        o4 = [];
        for (let i5 = 0; i5 < v3.length; i5++) {
          const x6 = v3[i5];
          const n8 = errs.length;
          const r7 = validate_Tree(x6, errs, depth + 2);
          if (errs.length !== n8) __covet_v_prefix(errs, n8, ["children", i5]);
          o4.push(r7);
        }
      }
      v3 = o4;
    }
    o1 = { value: v2, children: v3 };
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
