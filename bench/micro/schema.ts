/**
 * A small type IR → JSON Schema (draft-07) mapping, enough for ajv and
 * fast-json-stringify in the micro-benchmark. Used only when
 * codegen/schema/index.ts (the real one, shared with OpenAPI) is absent.
 * Named types go under `definitions` and are referenced with `$ref`.
 */

import type { AppIR, TypeIR } from '../../ir/ir.ts';

type Schema = Record<string, unknown>;

export function benchSchema(root: TypeIR, types: AppIR['types']): Schema {
  const definitions: Record<string, Schema> = {};
  const pending = new Set<string>();
  const map = (t: TypeIR): Schema => {
    switch (t.kind) {
      case 'string': {
        const s: Schema = { type: 'string' };
        if (t.format) s.format = t.format;
        if (t.minLength !== undefined) s.minLength = t.minLength;
        if (t.maxLength !== undefined) s.maxLength = t.maxLength;
        if (t.pattern !== undefined) s.pattern = t.pattern;
        return s;
      }
      case 'number': {
        const s: Schema = { type: t.integer ? 'integer' : 'number' };
        for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const) if (t[k] !== undefined) s[k] = t[k];
        return s;
      }
      case 'boolean':
      case 'null':
        return { type: t.kind };
      case 'literal':
        return { const: t.value };
      case 'enum':
        return { enum: t.values };
      case 'date':
        return { type: 'string', format: 'date-time' };
      case 'unknown':
        return {};
      case 'ref':
        if (!definitions[t.name] && !pending.has(t.name)) {
          pending.add(t.name);
          definitions[t.name] = map(types[t.name]!.type);
        }
        return { $ref: `#/definitions/${t.name}` };
      case 'array': {
        const s: Schema = { type: 'array', items: map(t.items) };
        if (t.minItems !== undefined) s.minItems = t.minItems;
        if (t.maxItems !== undefined) s.maxItems = t.maxItems;
        if (t.uniqueItems) s.uniqueItems = true;
        return s;
      }
      case 'tuple': {
        const s: Schema = { type: 'array', items: t.items.map(map), minItems: t.minItems };
        s.additionalItems = t.rest ? map(t.rest) : false;
        return s;
      }
      case 'object': {
        const s: Schema = {
          type: 'object',
          properties: Object.fromEntries(t.properties.map((p) => [p.name, map(p.type)])),
          required: t.properties.filter((p) => !p.optional).map((p) => p.name),
        };
        if (t.additionalProperties) s.additionalProperties = map(t.additionalProperties);
        return s;
      }
      case 'union':
        if (t.variants.every((v) => v.kind === 'literal')) return { enum: t.variants.map((v) => (v as { value: unknown }).value) };
        return { anyOf: t.variants.map(map) };
    }
  };
  const schema = map(root);
  return Object.keys(definitions).length ? { ...schema, definitions } : schema;
}
