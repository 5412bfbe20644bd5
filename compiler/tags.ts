/**
 * Type tags: phantom intersection members whose only properties are named
 * `__covet_*` (see runtime-min/api.ts). `string & MinLength<1> & Email` is a
 * string base with two tags; this file recognises tag members, reads their
 * literal values, and applies them to the base's TypeIR, reporting a tag on
 * the wrong base type.
 */

import { ts } from 'ts-morph';
import type { JsonValue, StringFormat, TypeIR } from '../ir/ir.ts';
import { INT_MAX } from '../ir/ir.ts';
import type { TextName, TextValues } from './diagnostics.ts';

export const TAG_PREFIX = '__covet_';

/** Parameter-source markers: read by the binding rules, dropped from value types. */
export const MARKER_TAGS = new Set(['header', 'cookie', 'query', 'form', 'credential', 'scopes']);

export interface Tag {
  /** The name after `__covet_`, e.g. `minLength`. */
  name: string;
  /** The literal value (`true` for flag tags), or undefined when not a single literal. */
  value: JsonValue | undefined;
  /** The tag as written by the user, for messages: `MinLength<3>`. */
  display: string;
}

const FORMATS: readonly StringFormat[] = ['email', 'uuid', 'url', 'date-time', 'date'];
const FORMAT_TAG: Record<StringFormat, string> = {
  email: 'Email',
  uuid: 'Uuid',
  url: 'Url',
  'date-time': 'DateTime',
  date: 'DateOnly',
};

const NUMBER_TAGS = new Set(['int', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
const BOUND_TAGS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
const STRING_TAGS = new Set(['format', 'minLength', 'maxLength', 'pattern', 'media']);
const ARRAY_TAGS = new Set(['minItems', 'maxItems', 'uniqueItems']);
const TAG_DISPLAY: Record<string, string> = {
  int: 'Int',
  minimum: 'Min',
  maximum: 'Max',
  exclusiveMinimum: 'ExclusiveMin',
  exclusiveMaximum: 'ExclusiveMax',
  multipleOf: 'MultipleOf',
  minLength: 'MinLength',
  maxLength: 'MaxLength',
  pattern: 'Pattern',
  minItems: 'MinItems',
  maxItems: 'MaxItems',
  uniqueItems: 'UniqueItems',
  default: 'Default',
  media: 'PlainText',
  header: 'Header',
  cookie: 'Cookie',
  query: 'Query',
};

/** A member of an intersection that is a tag: an object whose only properties are `__covet_*`. */
export function isTagObject(checker: ts.TypeChecker, t: ts.Type): boolean {
  if (!(t.flags & ts.TypeFlags.Object) || checker.isArrayType(t) || checker.isTupleType(t)) return false;
  if (t.getCallSignatures().length || t.getConstructSignatures().length || checker.getIndexInfosOfType(t).length) return false;
  const props = checker.getPropertiesOfType(t);
  return props.length > 0 && props.every((p) => p.name.startsWith(TAG_PREFIX));
}

/** Reads the tags of one tag object. */
export function readTags(checker: ts.TypeChecker, t: ts.Type): Tag[] {
  return checker.getPropertiesOfType(t).map((p) => {
    const name = p.name.slice(TAG_PREFIX.length);
    const value = literalValue(checker.getTypeOfSymbol(p), name === 'default');
    return { name, value, display: tagDisplay(name, value) };
  });
}

function tagDisplay(name: string, value: JsonValue | undefined): string {
  if (name === 'format' && typeof value === 'string' && (FORMATS as string[]).includes(value)) {
    return FORMAT_TAG[value as StringFormat];
  }
  const base = TAG_DISPLAY[name] ?? `${TAG_PREFIX}${name}`;
  if (name === 'int' || name === 'uniqueItems' || name === 'media') return base;
  return `${base}<${value === undefined ? '?' : JSON.stringify(value)}>`;
}

/** The JSON value of a tag property's type (`T | undefined` since tag properties are optional). */
export function literalValue(t: ts.Type, allowNull: boolean): JsonValue | undefined {
  const parts = t.flags & ts.TypeFlags.Union ? (t as ts.UnionType).types : [t];
  const defined = parts.filter((p) => !(p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
  // `true | false` (a tag written with `boolean`) is not one literal.
  if (defined.length !== 1) return undefined;
  const v = defined[0]!;
  if (v.flags & ts.TypeFlags.StringLiteral) return (v as ts.StringLiteralType).value;
  if (v.flags & ts.TypeFlags.NumberLiteral) return (v as ts.NumberLiteralType).value;
  if (v.flags & ts.TypeFlags.BooleanLiteral) return (v as { intrinsicName?: string }).intrinsicName === 'true';
  if (allowNull && v.flags & ts.TypeFlags.Null) return null;
  return undefined;
}

type Problem<I extends 'COVET110' | 'COVET111'> = { [K in TextName<I>]: { id: I; text: K; tag: Tag; values: Omit<TextValues<I, K>, 'at'> } }[TextName<I>];

/** A tag that does not fit: a wrong base type or a bad value (COVET110), an invalid Pattern (COVET111); the caller adds where. */
export type TagProblem = Problem<'COVET110'> | Problem<'COVET111'>;

/** Base type names for messages. */
function kindName(ir: TypeIR): string {
  switch (ir.kind) {
    case 'ref':
      return ir.name;
    case 'literal':
      return JSON.stringify(ir.value);
    default:
      return ir.kind;
  }
}

/**
 * Applies tags to a base type (mutating and returning it). `baseText` is the
 * base as written, for messages. `acceptsDefault` checks a Default value
 * against the base (it may need to look up named types).
 */
export function applyTags(
  ir: TypeIR,
  tags: readonly Tag[],
  baseText: string,
  acceptsDefault: (ir: TypeIR, v: JsonValue) => boolean,
): TagProblem[] {
  const problems: TagProblem[] = [];
  const wrongBase = (tag: Tag, wants: string): void => {
    problems.push({ id: 'COVET110', text: 'wrongBase', tag, values: { tag: tag.display, wants, base: baseText } });
  };
  const bad = (problem: Problem<'COVET110'>): void => {
    problems.push(problem);
  };
  // Default last: whether its value fits depends on the other tags (`Int` refuses 1.5), in any order.
  const ordered = [...tags.filter((g) => g.name !== 'default'), ...tags.filter((g) => g.name === 'default')];
  for (const tag of ordered) {
    if (MARKER_TAGS.has(tag.name)) continue;
    if (tag.value === undefined) {
      const example = `${TAG_DISPLAY[tag.name] ?? tag.name}<${tag.name === 'pattern' || tag.name === 'format' ? "'…'" : '1'}>`;
      bad({ id: 'COVET110', text: 'noValue', tag, values: { tag: tag.display, example } });
      continue;
    }
    const v = tag.value;
    if (NUMBER_TAGS.has(tag.name)) {
      if (ir.kind !== 'number') {
        wrongBase(tag, 'a number');
        continue;
      }
      if (tag.name === 'int') ir.integer = true;
      else if (typeof v !== 'number' || !Number.isFinite(v) || (tag.name === 'multipleOf' && v <= 0)) {
        bad({ id: 'COVET110', text: 'notFinite', tag, values: { tag: tag.display, positive: tag.name === 'multipleOf' } });
      } else (ir as unknown as Record<string, number>)[tag.name] = v;
      continue;
    }
    if (STRING_TAGS.has(tag.name)) {
      if (ir.kind !== 'string') {
        wrongBase(tag, 'a string');
        continue;
      }
      if (tag.name === 'media') {
        if (v !== 'text/plain') bad({ id: 'COVET110', text: 'unknownMedia', tag, values: { value: JSON.stringify(v) } });
        else ir.mediaType = v;
      } else if (tag.name === 'format') {
        if (typeof v !== 'string' || !(FORMATS as string[]).includes(v)) {
          bad({ id: 'COVET110', text: 'unknownFormat', tag, values: { value: JSON.stringify(v) } });
        } else ir.format = v as StringFormat;
      } else if (tag.name === 'pattern') {
        if (typeof v !== 'string') bad({ id: 'COVET110', text: 'patternNotString', tag, values: { tag: tag.display } });
        else {
          try {
            new RegExp(v);
            ir.pattern = v;
          } catch (e) {
            const reason = (e as Error).message.replace(/^Invalid regular expression: /, '');
            problems.push({ id: 'COVET111', text: 'badRegex', tag, values: { tag: tag.display, reason } });
          }
        }
      } else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        bad({ id: 'COVET110', text: 'notCount', tag, values: { tag: tag.display } });
      } else (ir as unknown as Record<string, number>)[tag.name] = v;
      continue;
    }
    if (ARRAY_TAGS.has(tag.name)) {
      if (ir.kind !== 'array') {
        wrongBase(tag, 'an array');
        continue;
      }
      if (tag.name === 'uniqueItems') ir.uniqueItems = true;
      else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        bad({ id: 'COVET110', text: 'notCount', tag, values: { tag: tag.display } });
      } else (ir as unknown as Record<string, number>)[tag.name] = v;
      continue;
    }
    if (tag.name === 'default') {
      if (ir.kind === 'object' || ir.kind === 'array' || ir.kind === 'tuple') {
        bad({ id: 'COVET110', text: 'defaultOnStructure', tag, values: { tag: tag.display, base: kindName(ir) } });
      } else if (!acceptsDefault(ir, v)) {
        const type = ir.kind === 'number' && ir.integer ? `${baseText} & Int (a safe integer)` : baseText;
        bad({ id: 'COVET110', text: 'badDefault', tag, values: { tag: tag.display, type } });
      } else ir.default = v;
      continue;
    }
    bad({ id: 'COVET110', text: 'unknownTag', tag, values: { name: tag.name, prefix: TAG_PREFIX } });
  }
  if (ir.kind === 'number' && ir.integer) {
    // An Int is a safe integer: a bound beyond that range is one TypeScript may already have rounded
    // (Max<9007199254740993> is 2^53), and it could only widen what Int allows or leave nothing.
    for (const tag of ordered) {
      if (!BOUND_TAGS.has(tag.name) || typeof tag.value !== 'number' || Math.abs(tag.value) <= INT_MAX) continue;
      bad({ id: 'COVET110', text: 'unsafeBound', tag, values: { tag: tag.display, name: TAG_DISPLAY[tag.name] ?? tag.name, max: INT_MAX } });
    }
  }
  return problems;
}
