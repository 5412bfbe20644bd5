const __covet_hasOwn = Object.prototype.hasOwnProperty;

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

// it's */ hint: { "it's"?; "*/"; "a b "?; __proto__; "\""?; "\\"; constructor?; toString; "</script>"?; "${x}"; "x`…
function serialize_it_s____hint(v) {
  if (typeof v !== 'object' || v === null || typeof v.toJSON === 'function') return __covet_s_any(v);
  let s = '{';
  const p_0 = v["0"];
  if (p_0 !== undefined) s += "\"0\":" + __covet_s_str(p_0);
  const p_it_s = v["it's"];
  if (p_it_s !== undefined) s += (s.length === 1 ? "\"it's\":" : ",\"it's\":") + serialize_it_s____hint_it_s(p_it_s);
  s += (s.length === 1 ? "\"*/\":" : ",\"*/\":") + __covet_s_str(v["*/"]);
  const p_a_b_ = v["a\u2028b\u2029"];
  if (p_a_b_ !== undefined) s += ",\"a\u2028b\u2029\":" + __covet_s_str(p_a_b_);
  s += ",\"__proto__\":" + serialize_it_s____hint_it_s((__covet_hasOwn.call(v, "__proto__") ? v.__proto__ : undefined));
  const p__ = v["\""];
  if (p__ !== undefined) s += ",\"\\\"\":" + __covet_s_str(p__);
  s += ",\"\\\\\":" + __covet_s_str(v["\\"]);
  const p_constructor = (__covet_hasOwn.call(v, "constructor") ? v.constructor : undefined);
  if (p_constructor !== undefined) s += ",\"constructor\":" + serialize_it_s____hint_it_s(p_constructor);
  s += ",\"toString\":" + __covet_s_str((__covet_hasOwn.call(v, "toString") ? v.toString : undefined));
  const p___script_ = v["</script>"];
  if (p___script_ !== undefined) s += ",\"</script>\":" + __covet_s_str(p___script_);
  s += ",\"${x}\":" + serialize_it_s____hint_it_s(v["${x}"]);
  const p_x_y = v["x`y"];
  if (p_x_y !== undefined) s += ",\"x`y\":" + __covet_s_str(p_x_y);
  s += ",\"\\ud800\":" + __covet_s_str(v["\ud800"]);
  const p_ = v[""];
  if (p_ !== undefined) s += ",\"\":" + serialize_it_s____hint_it_s(p_);
  s += ",\"class\":" + __covet_s_str(v.class);
  return s + '}';
}

// it's */ hint_it's: (number & Int)[]
function serialize_it_s____hint_it_s(v) {
  if (!Array.isArray(v)) return __covet_s_any(v);
  const n = v.length;
  if (n === 0) return '[]';
  let s = '[' + __covet_s_num(v[0]);
  for (let i = 1; i < n; i++) s += ',' + __covet_s_num(v[i]);
  return s + ']';
}
