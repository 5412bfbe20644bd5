function __covet_s_any(v) {
  const s = JSON.stringify(v);
  return s === undefined ? 'null' : s;
}

const __covet_s_escapable = /[\u0000-\u001f"\\\ud800-\udfff]/;
function __covet_s_str(v) {
  if (typeof v !== 'string') return __covet_s_any(v);
  const n = v.length;
  if (n < 32) {
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(v);
    }
    return '"' + v + '"';
  }
  return __covet_s_escapable.test(v) ? JSON.stringify(v) : '"' + v + '"';
}

function __covet_s_plain(v) {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n < 32) {
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
    }
    return true;
  }
  return !__covet_s_escapable.test(v);
}

function __covet_s_plains(v) {
  for (let i = 0; i < v.length; i++) if (!__covet_s_plain(v[i])) return false;
  return true;
}

const __covet_s_cents = Array.from({ length: 100 }, (_, f) => (f === 0 ? '' : f % 10 === 0 ? '.' + f / 10 : (f < 10 ? '.0' : '.') + f));
function __covet_s_num(v) {
  if (typeof v !== 'number') return __covet_s_any(v);
  const c = Math.round(v * 100);
  if (c / 100 === v && c % 100 !== 0 && c < 2147483648 && c > -2147483648) {
    const a = c < 0 ? -c : c;
    const i = (a / 100) | 0;
    return (c < 0 ? '-' + i : '' + i) + __covet_s_cents[a - i * 100];
  }
  return Number.isFinite(v) ? '' + v : 'null';
}

function __covet_s_date(v) {
  if (!(v instanceof Date)) return __covet_s_any(v);
  return Number.isFinite(v.getTime()) ? '"' + v.toISOString() + '"' : 'null';
}

// Shape
function serialize_Shape(v) {
  if (typeof v === 'object' && v !== null) {
    switch (v.type) {
      case "circle": return serialize_Circle(v);
      case "square": return serialize_Square(v);
    }
  }
  return __covet_s_any(v);
}

// Circle
function serialize_Circle(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  const p_type = v.type;
  const p_r = v.r;
  return "{\"type\":" + __covet_s_str(p_type) + ",\"r\":" + __covet_s_num(p_r) + "}";
}

// Square
function serialize_Square(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = "{\"type\":" + __covet_s_str(v.type);
  s += ",\"side\":" + __covet_s_num(v.side);
  const p_label = v.label;
  if (p_label !== undefined) s += ",\"label\":" + __covet_s_str(p_label);
  return s + '}';
}

// maybeShape_response: Circle | Square | null
function serialize_maybeShape_response(v) {
  if (v === null) return "null";
  if (typeof v === 'object' && v !== null) {
    switch (v.type) {
      case "circle": return serialize_Circle(v);
      case "square": return serialize_Square(v);
    }
  }
  return __covet_s_any(v);
}

// anything_response: string | number | boolean | null | Date | (number & Int)[] | User
function serialize_anything_response(v) {
  if (v === null) return "null";
  if (typeof v === 'string') return __covet_s_str(v);
  if (typeof v === 'number') return __covet_s_num(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return __covet_s_date(v);
  if (Array.isArray(v)) return serialize_anything_response_5(v);
  return serialize_User(v);
}

// anything_response_5: (number & Int)[]
function serialize_anything_response_5(v) {
  if (!Array.isArray(v)) return __covet_s_any(v);
  const n = v.length;
  if (n === 0) return '[]';
  let s = '[' + __covet_s_num(v[0]);
  for (let i = 1; i < n; i++) s += ',' + __covet_s_num(v[i]);
  return s + ']';
}

// User  ←  app/users.ts:4
function serialize_User(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = "{\"id\":" + __covet_s_num(v.id);
  s += ",\"name\":" + __covet_s_str(v.name);
  s += ",\"email\":" + __covet_s_str(v.email);
  const p_age = v.age;
  if (p_age !== undefined) s += ",\"age\":" + __covet_s_num(p_age);
  s += ",\"tags\":" + serialize_User_tags(v.tags);
  return s + '}';
}

// User_tags: string[]
function serialize_User_tags(v) {
  if (!Array.isArray(v)) return __covet_s_any(v);
  const n = v.length;
  if (n === 0) return '[]';
  if (__covet_s_plains(v)) {
    let s = '["' + v[0];
    for (let i = 1; i < n; i++) s += '","' + v[i];
    return s + '"]';
  }
  let s = '[' + __covet_s_str(v[0]);
  for (let i = 1; i < n; i++) s += ',' + __covet_s_str(v[i]);
  return s + ']';
}

// row_response: [Date, ...(string | null)[]]
function serialize_row_response(v) {
  if (!Array.isArray(v)) return __covet_s_any(v);
  const n = v.length;
  if (n === 0) return '[]';
  let s = '[' + __covet_s_date(v[0]);
  for (let i = 1; i < n; i++) s += ',' + serialize_row_response_rest(v[i]);
  return s + ']';
}

// row_response_rest: string | null
function serialize_row_response_rest(v) {
  if (v === null) return "null";
  return __covet_s_str(v);
}

// labels_response: { id?; name; [key: string]: string[] }
function serialize_labels_response(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = '{';
  const p_id = v.id;
  if (p_id !== undefined) s += "\"id\":" + __covet_s_num(p_id);
  s += (s.length === 1 ? "\"name\":" : ",\"name\":") + __covet_s_str(v.name);
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    switch (k) {
      case "id":
      case "name":
        continue;
    }
    const x = v[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    s += "," + __covet_s_str(k) + ':' + serialize_User_tags(x);
  }
  return s + '}';
}
