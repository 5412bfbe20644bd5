/**
 * Deterministic, realistic sample values for a type IR node: words for
 * strings (within min/max length), addresses for emails, integers within
 * bounds, a few tags, Date instances for `date`. Patterns are honoured by
 * picking from a list of plausible words that the pattern accepts.
 */

import type { AppIR, TypeIR } from '../../ir/ir.ts';

type Types = AppIR['types'];

/** mulberry32: a small seeded PRNG, so every run measures the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['buy', 'milk', 'call', 'alice', 'fix', 'the', 'bike', 'write', 'report', 'home', 'work', 'errand', 'garden', 'plan', 'trip', 'to', 'lisbon', 'pay', 'rent', 'book', 'dentist', 'review', 'pull', 'request', 'café', 'naïve', 'über'];
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson', 'Margaret Hamilton', 'Donald Knuth', 'José Valim', 'Søren Kierkegaard'];

export class Sampler {
  private readonly r: () => number;
  constructor(
    private readonly types: Types,
    seed = 42,
  ) {
    this.r = rng(seed);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.r() * (max - min + 1));
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  value(type: TypeIR, name = '', depth = 0): unknown {
    switch (type.kind) {
      case 'string':
        return this.string(type, name);
      case 'number': {
        const min = type.minimum ?? type.exclusiveMinimum ?? (name === 'id' || name.endsWith('Id') ? 1 : 0);
        const max = type.maximum ?? type.exclusiveMaximum ?? (name === 'id' || name.endsWith('Id') ? 100000 : 1000);
        return type.integer ? this.int(Math.ceil(min), Math.floor(max)) : Math.round((min + this.r() * (max - min)) * 100) / 100;
      }
      case 'boolean':
        return this.r() < 0.5;
      case 'null':
        return null;
      case 'literal':
        return type.value;
      case 'enum':
        return this.pick(type.values);
      case 'date':
        return new Date(Date.UTC(2024, 0, 1) + Math.floor(this.r() * 400 * 86400e3));
      case 'unknown':
        return { note: this.pick(WORDS) };
      case 'ref':
        return this.value(this.types[type.name]!.type, name, depth + 1);
      case 'array': {
        const items = type.items.kind === 'ref' || type.items.kind === 'object' ? 20 : 4;
        const n = depth > 6 ? 0 : this.int(type.minItems ?? 0, Math.min(type.maxItems ?? items, items));
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(type.items, name, depth + 1));
        return type.uniqueItems ? [...new Set(out.map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x)) : out;
      }
      case 'tuple':
        return type.items.map((t) => this.value(t, name, depth + 1));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const p of type.properties) {
          if (p.optional && this.r() < 0.3) continue;
          out[p.name] = this.value(p.type, p.name, depth + 1);
        }
        return out;
      }
      case 'union': {
        // Prefer the non-null variant, as real data mostly is.
        const nonNull = type.variants.filter((v) => v.kind !== 'null');
        const variants = nonNull.length && this.r() < 0.7 ? nonNull : type.variants;
        return this.value(this.pick(variants), name, depth + 1);
      }
    }
  }

  private string(type: TypeIR & { kind: 'string' }, name: string): string {
    const n = this.int(0, 9999);
    switch (type.format) {
      case 'email':
        return `${this.pick(['ada', 'grace', 'alan', 'barbara', 'ken'])}.${n}@example.com`;
      case 'uuid':
        return `${n.toString(16).padStart(8, '0')}-1234-4abc-8def-0123456789ab`;
      case 'url':
        return `https://example.com/${this.pick(WORDS)}/${n}`;
      case 'date-time':
        return new Date(Date.UTC(2024, 0, 1) + n * 3600e3).toISOString();
      case 'date':
        return new Date(Date.UTC(2024, 0, 1) + n * 86400e3).toISOString().slice(0, 10);
    }
    const min = type.minLength ?? 0;
    const max = type.maxLength ?? 80;
    if (type.pattern) {
      const re = new RegExp(type.pattern);
      const ok = [...WORDS, 'errand-2', 'home-1', 'x1'].filter((w) => re.test(w) && w.length >= min && w.length <= max);
      if (ok.length) return this.pick(ok);
    }
    let s = /name/i.test(name) ? this.pick(NAMES) : '';
    const target = Math.min(max, Math.max(min, this.int(8, 40)));
    while (s.length < target) s += (s ? ' ' : '') + this.pick(WORDS);
    if (s.length > max) s = s.slice(0, max).trimEnd() || 'x';
    while (s.length < min) s += 'x';
    return s;
  }
}

/**
 * An invalid copy of a valid JSON value: one leaf or property replaced by a
 * value of the wrong JSON type, or a property removed. The caller checks with
 * an oracle that the result is indeed invalid.
 */
export function spoil(value: unknown, r: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(value));
  const holders: { obj: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (holders.push({ obj: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) holders.push({ obj: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(copy);
  if (!holders.length) return 42;
  const { obj, key } = holders[Math.floor(r() * holders.length)]!;
  const current = (obj as Record<string | number, unknown>)[key];
  const roll = r();
  if (roll < 0.25 && !Array.isArray(obj)) delete (obj as Record<string, unknown>)[key as string];
  else if (typeof current === 'string') (obj as Record<string | number, unknown>)[key] = roll < 0.6 ? 12345 : '';
  else if (typeof current === 'number') (obj as Record<string | number, unknown>)[key] = roll < 0.6 ? String(current) : -1.5;
  else if (typeof current === 'boolean') (obj as Record<string | number, unknown>)[key] = 'yes';
  else if (Array.isArray(current)) (obj as Record<string | number, unknown>)[key] = { length: current.length };
  else (obj as Record<string | number, unknown>)[key] = 'not an object';
  return copy;
}
