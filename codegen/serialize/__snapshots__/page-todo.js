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

function __covet_s_bool(v) {
  return v === true ? 'true' : v === false ? 'false' : __covet_s_any(v);
}

function __covet_s_date(v) {
  if (!(v instanceof Date)) return __covet_s_any(v);
  return Number.isFinite(v.getTime()) ? '"' + v.toISOString() + '"' : 'null';
}

// Page<Todo>  ←  app/page.ts:1
function serialize_Page_Todo(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  const p_items = v.items;
  const p_total = v.total;
  const p_next = v.next;
  return "{\"items\":" + serialize_Page_Todo_items(p_items) + ",\"total\":" + __covet_s_num(p_total) + ",\"next\":" + serialize_Page_Todo_next(p_next) + "}";
}

// Page_Todo_items: Todo[]
function serialize_Page_Todo_items(v) {
  if (!Array.isArray(v)) return __covet_s_any(v);
  const n = v.length;
  if (n === 0) return '[]';
  let s = '[' + serialize_Todo(v[0]);
  for (let i = 1; i < n; i++) s += ',' + serialize_Todo(v[i]);
  return s + ']';
}

// Todo  ←  app/todos.ts:10
function serialize_Todo(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = "{\"id\":" + __covet_s_num(v.id);
  s += ",\"title\":" + __covet_s_str(v.title);
  s += ",\"done\":" + __covet_s_bool(v.done);
  s += ",\"priority\":" + __covet_s_str(v.priority);
  const p_due = v.due;
  if (p_due !== undefined) s += ",\"due\":" + __covet_s_date(p_due);
  s += ",\"tags\":" + serialize_Todo_tags(v.tags);
  s += ",\"owner\":" + serialize_User(v.owner);
  return s + '}';
}

// Todo_tags: string[]
function serialize_Todo_tags(v) {
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

// User  ←  app/users.ts:4
function serialize_User(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = "{\"id\":" + __covet_s_num(v.id);
  s += ",\"name\":" + __covet_s_str(v.name);
  s += ",\"email\":" + __covet_s_str(v.email);
  const p_age = v.age;
  if (p_age !== undefined) s += ",\"age\":" + __covet_s_num(p_age);
  s += ",\"tags\":" + serialize_Todo_tags(v.tags);
  return s + '}';
}

// Page_Todo_next: string | null
function serialize_Page_Todo_next(v) {
  if (v === null) return "null";
  return __covet_s_str(v);
}
