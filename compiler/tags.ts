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

export const TAG_PREFIX = '__covet_';

/** Parameter-source markers: read by the binding rules, dropped from value types. */
export const MARKER_TAGS = new Set(['header', 'cookie', 'query']);

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

export interface TagProblem {
  /** 'base': wrong base type (COVET110); 'value': a bad value (COVET110); 'regex': an invalid Pattern (COVET111). */
  kind: 'base' | 'value' | 'regex';
  tag: Tag;
  message: string;
  hint: string;
}

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
    problems.push({
      kind: 'base',
      tag,
      message: `${tag.display} applies to ${wants}, not to ${baseText}`,
      hint: `remove ${tag.display}, or apply it to ${wants === 'a number' ? 'a number (number & ' : wants === 'a string' ? 'a string (string & ' : 'an array (T[] & '}${tag.display})`,
    });
  };
  const badValue = (tag: Tag, message: string, hint: string): void => {
    problems.push({ kind: 'value', tag, message, hint });
  };
  // Default last: whether its value fits depends on the other tags (`Int` refuses 1.5), in any order.
  const ordered = [...tags.filter((g) => g.name !== 'default'), ...tags.filter((g) => g.name === 'default')];
  for (const tag of ordered) {
    if (MARKER_TAGS.has(tag.name)) continue;
    if (tag.value === undefined) {
      badValue(
        tag,
        `${tag.display} needs a single literal value`,
        `write a literal, e.g. ${TAG_DISPLAY[tag.name] ?? tag.name}<${tag.name === 'pattern' || tag.name === 'format' ? "'…'" : '1'}>, and don't combine two different values of the same tag`,
      );
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
        badValue(tag, `${tag.display} needs a finite number${tag.name === 'multipleOf' ? ' above 0' : ''}`, `use a numeric literal`);
      } else (ir as unknown as Record<string, number>)[tag.name] = v;
      continue;
    }
    if (STRING_TAGS.has(tag.name)) {
      if (ir.kind !== 'string') {
        wrongBase(tag, 'a string');
        continue;
      }
      if (tag.name === 'media') {
        if (v !== 'text/plain') badValue(tag, `unknown media type ${JSON.stringify(v)}`, `use PlainText from 'covet'`);
        else ir.mediaType = v;
      } else if (tag.name === 'format') {
        if (typeof v !== 'string' || !(FORMATS as string[]).includes(v)) {
          badValue(tag, `unknown string format ${JSON.stringify(v)}`, `use one of Email, Uuid, Url, DateTime, DateOnly`);
        } else ir.format = v as StringFormat;
      } else if (tag.name === 'pattern') {
        if (typeof v !== 'string') badValue(tag, `${tag.display} needs a string literal`, `write Pattern<'^[a-z]+$'>`);
        else {
          try {
            new RegExp(v);
            ir.pattern = v;
          } catch (e) {
            problems.push({
              kind: 'regex',
              tag,
              message: `${tag.display} is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
              hint: `fix the regular expression (it is compiled with new RegExp(source), no flags; escape a literal backslash as '\\\\')`,
            });
          }
        }
      } else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        badValue(tag, `${tag.display} needs a whole number ≥ 0`, `use a non-negative integer literal`);
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
        badValue(tag, `${tag.display} needs a whole number ≥ 0`, `use a non-negative integer literal`);
      } else (ir as unknown as Record<string, number>)[tag.name] = v;
      continue;
    }
    if (tag.name === 'default') {
      if (ir.kind === 'object' || ir.kind === 'array' || ir.kind === 'tuple') {
        problems.push({
          kind: 'base',
          tag,
          message: `${tag.display} applies to a string, number, boolean, literal or enum, not to ${kindName(ir)}`,
          hint: `remove ${tag.display}; give the handler parameter a default value instead`,
        });
      } else if (!acceptsDefault(ir, v)) {
        badValue(tag, `${tag.display} is not a valid ${ir.kind === 'number' && ir.integer ? `${baseText} & Int (a safe integer)` : baseText}`, `use a default value of the property's type`);
      } else ir.default = v;
      continue;
    }
    problems.push({
      kind: 'value',
      tag,
      message: `unknown type tag ${TAG_PREFIX}${tag.name}`,
      hint: `use the tags exported by 'covet' (Int, Email, Min<N>, …); property names starting with ${TAG_PREFIX} are reserved`,
    });
  }
  if (ir.kind === 'number' && ir.integer) {
    // An Int is a safe integer: a bound beyond that range is one TypeScript may already have rounded
    // (Max<9007199254740993> is 2^53), and it could only widen what Int allows or leave nothing.
    for (const tag of ordered) {
      if (!BOUND_TAGS.has(tag.name) || typeof tag.value !== 'number' || Math.abs(tag.value) <= INT_MAX) continue;
      badValue(
        tag,
        `${tag.display} is outside the safe integer range of Int (${-INT_MAX} to ${INT_MAX})`,
        `use a bound within that range, or remove ${TAG_DISPLAY[tag.name]} (Int alone refuses what lies beyond it); for larger ids use a string & Pattern<'^[0-9]+$'>`,
      );
    }
  }
  return problems;
}
