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

// Tree  ←  app/tree.ts:1
function serialize_Tree(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = "{\"value\":" + __covet_s_str(v.value);
  s += ",\"children\":" + serialize_Tree_children(v.children);
  const p_parent = v.parent;
  if (p_parent !== undefined) s += ",\"parent\":" + serialize_Tree_parent(p_parent);
  return s + '}';
}

// Tree_children: Tree[]
function serialize_Tree_children(v) {
  if (!Array.isArray(v)) return __covet_s_any(v);
  const n = v.length;
  if (n === 0) return '[]';
  let s = '[' + serialize_Tree(v[0]);
  for (let i = 1; i < n; i++) s += ',' + serialize_Tree(v[i]);
  return s + ']';
}

// Tree_parent: Tree | null
function serialize_Tree_parent(v) {
  if (v === null) return "null";
  return serialize_Tree(v);
}
