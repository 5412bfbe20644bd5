/**
 * JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) for the type IR.
 *
 * The schema describes exactly what the generated validators accept, so that
 * ajv over it is an independent oracle for them:
 * - objects do not set `additionalProperties` unless the type has an index
 *   signature: unknown keys are accepted (and stripped by the validator);
 * - a property is `required` unless it is optional or has a `default`;
 * - unions are `anyOf` (the validator takes the first variant that fits), except
 *   discriminated unions (`oneOf`: at most one variant can match) and unions of
 *   literals (`enum`);
 * - `Int` is `type: integer` within the safe range: `minimum`/`maximum` of
 *   ±(2^53 - 1) on each side that no tag bounds more tightly;
 * - formats: `email`, `uuid`, `uri` (our `url`: absolute http/https),
 *   `date-time` (RFC 3339 with a time zone), `date`; `Date` is a `date-time`
 *   string.
 * Plain schemas leave out OpenAPI's `discriminator`; ask for it with
 * `{ openapi: true }`.
 */
import type { AppIR, JsonValue, TypeIR } from '../../ir/ir.ts';
import { INT_MAX, safeBounds } from '../../ir/ir.ts';

type Types = AppIR['types'];
export type Schema = { [key: string]: unknown };

export interface SchemaOptions {
  /** Where named types live: `#/$defs/` (default) or `#/components/schemas/`. */
  refPrefix?: string;
  /** Add OpenAPI's `discriminator` (with `mapping`) to discriminated unions. */
  openapi?: boolean;
}

const FORMATS = { email: 'email', uuid: 'uuid', url: 'uri', 'date-time': 'date-time', date: 'date' } as const;

/**
 * A standalone schema for `type`: named types it references (transitively)
 * are under `$defs` and referenced as `{ $ref: '#/$defs/Name' }`.
 */
export function jsonSchema(type: TypeIR, types: Types, options: Omit<SchemaOptions, 'refPrefix'> = {}): Schema {
  const used = new Set<string>();
  const conv = new Converter(types, { ...options, refPrefix: '#/$defs/' }, used);
  const root = conv.schema(type);
  const defs: Record<string, Schema> = {};
  // Converting a definition may reference more types: loop until no new name appears.
  for (let done = 0; done < used.size; ) {
    const names = [...used].slice(done);
    done = used.size;
    for (const name of names) defs[name] = conv.named(name);
  }
  if (used.size === 0) return root;
  const sorted: Record<string, Schema> = {};
  for (const name of Object.keys(defs).sort()) sorted[name] = defs[name]!;
  return { ...root, $defs: sorted };
}

/** Every named type's schema, keyed by name (for OpenAPI `components.schemas`); refs use `options.refPrefix`. */
export function namedSchemas(types: Types, options: SchemaOptions = {}): Record<string, Schema> {
  const conv = new Converter(types, { refPrefix: '#/components/schemas/', ...options }, new Set());
  const out: Record<string, Schema> = {};
  for (const name of Object.keys(types).sort()) out[name] = conv.named(name);
  return out;
}

/** A schema for `type` that references named types under `options.refPrefix` (default: OpenAPI components) instead of carrying `$defs`. */
export function referencingSchema(type: TypeIR, types: Types, options: SchemaOptions = {}): Schema {
  return new Converter(types, { refPrefix: '#/components/schemas/', ...options }, new Set()).schema(type);
}

class Converter {
  constructor(
    private readonly types: Types,
    private readonly options: Required<Pick<SchemaOptions, 'refPrefix'>> & SchemaOptions,
    private readonly used: Set<string>,
  ) {}

  named(name: string): Schema {
    const nt = this.types[name];
    if (!nt) throw new Error(`covet internal error: reference to unknown type ${JSON.stringify(name)}`);
    const s = this.schema(nt.type);
    if (nt.description && s.description === undefined) s.description = nt.description;
    return s;
  }

  schema(t: TypeIR): Schema {
    const s = this.base(t);
    if (t.description !== undefined) s.description = t.description;
    if (t.default !== undefined) s.default = t.default as JsonValue;
    return s;
  }

  private ref(name: string): Schema {
    if (!this.types[name]) throw new Error(`covet internal error: reference to unknown type ${JSON.stringify(name)}`);
    this.used.add(name);
    return { $ref: this.options.refPrefix + encodePointer(name) };
  }

  private base(t: TypeIR): Schema {
    switch (t.kind) {
      case 'string': {
        const s: Schema = { type: 'string' };
        if (t.format) s.format = FORMATS[t.format];
        if (t.minLength !== undefined) s.minLength = t.minLength;
        if (t.maxLength !== undefined) s.maxLength = t.maxLength;
        if (t.pattern !== undefined) s.pattern = t.pattern;
        return s;
      }
      case 'number': {
        const s: Schema = { type: t.integer ? 'integer' : 'number' };
        if (t.minimum !== undefined) s.minimum = t.minimum;
        if (t.maximum !== undefined) s.maximum = t.maximum;
        if (t.exclusiveMinimum !== undefined) s.exclusiveMinimum = t.exclusiveMinimum;
        if (t.exclusiveMaximum !== undefined) s.exclusiveMaximum = t.exclusiveMaximum;
        if (t.multipleOf !== undefined) s.multipleOf = t.multipleOf;
        if (t.integer) {
          // Int is a safe integer: each side without a bound inside the range gets the range's edge.
          const bounded = safeBounds(t);
          if (!bounded.lower) s.minimum = -INT_MAX;
          if (!bounded.upper) s.maximum = INT_MAX;
        }
        return s;
      }
      case 'boolean':
        return { type: 'boolean' };
      case 'null':
        return { type: 'null' };
      case 'literal':
        return { const: t.value };
      case 'enum':
        return { enum: [...t.values] };
      case 'date':
        return { type: 'string', format: 'date-time' };
      case 'unknown':
        return {};
      case 'ref':
        return this.ref(t.name);
      case 'array': {
        const s: Schema = { type: 'array', items: this.schema(t.items) };
        if (t.minItems !== undefined) s.minItems = t.minItems;
        if (t.maxItems !== undefined) s.maxItems = t.maxItems;
        if (t.uniqueItems) s.uniqueItems = true;
        return s;
      }
      case 'tuple': {
        const s: Schema = { type: 'array', prefixItems: t.items.map((i) => this.schema(i)) };
        s.items = t.rest ? this.schema(t.rest) : false;
        if (t.minItems > 0) s.minItems = t.minItems;
        if (!t.rest) s.maxItems = t.items.length;
        return s;
      }
      case 'object': {
        const s: Schema = { type: 'object' };
        const properties: Record<string, Schema> = {};
        const required: string[] = [];
        for (const p of t.properties) {
          const ps = this.schema(p.type);
          if (p.description !== undefined && ps.description === undefined) ps.description = p.description;
          // defineProperty: a property named `__proto__` must stay a key of the schema object.
          Object.defineProperty(properties, p.name, { value: ps, enumerable: true, writable: true, configurable: true });
          if (!p.optional && p.type.default === undefined) required.push(p.name);
        }
        if (t.properties.length) s.properties = properties;
        if (required.length) s.required = required;
        if (t.additionalProperties) s.additionalProperties = this.schema(t.additionalProperties);
        return s;
      }
      case 'union': {
        if (t.variants.every((v) => v.kind === 'literal')) {
          return { enum: t.variants.map((v) => (v.kind === 'literal' ? v.value : null)) };
        }
        const variants = t.variants.map((v) => this.schema(v));
        if (!t.discriminator) return { anyOf: variants };
        const s: Schema = { oneOf: variants };
        if (this.options.openapi) {
          const d: Schema = { propertyName: t.discriminator.property };
          const mapping: Record<string, string> = {};
          for (const m of t.discriminator.mapping) {
            const v = t.variants[m.variant];
            if (v?.kind === 'ref') mapping[String(m.value)] = this.options.refPrefix + encodePointer(v.name);
          }
          if (Object.keys(mapping).length === t.discriminator.mapping.length) d.mapping = mapping;
          s.discriminator = d;
        }
        return s;
      }
    }
  }
}

/** JSON Pointer escaping of one reference token (names are identifier-safe, but be exact). */
function encodePointer(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}
