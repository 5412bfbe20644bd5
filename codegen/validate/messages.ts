/**
 * Error `type`s and messages, following pydantic v2 (what FastAPI answers in
 * its 422 bodies). Pure functions of compile-time values: the generator pastes
 * the results into generated code as string literals.
 */
import type { TypeIR } from '../../ir/ir.ts';
import { INT_MAX } from '../../ir/ir.ts';

/** Python-repr-like rendering of a literal for messages: 'a', 1, true. */
export function repr(v: string | number | boolean): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** pydantic's list of expected values: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function expected(values: readonly (string | number | boolean)[]): string {
  const r = values.map(repr);
  if (r.length <= 1) return r.join('');
  return `${r.slice(0, -1).join(', ')} or ${r[r.length - 1]}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const M = {
  missing: 'Field required',
  string_type: 'Input should be a valid string',
  int_type: 'Input should be a valid integer',
  int_parsing: 'Input should be a valid integer, unable to parse string as an integer',
  int_from_float: 'Input should be a valid integer, got a number with a fractional part',
  /** Not pydantic's (Python ints are unbounded): `Int` is what Number.isSafeInteger accepts. */
  safe_integer: `Input should be a safe integer, between ${-INT_MAX} and ${INT_MAX}`,
  float_type: 'Input should be a valid number',
  float_parsing: 'Input should be a valid number, unable to parse string as a number',
  finite_number: 'Input should be a finite number',
  bool_type: 'Input should be a valid boolean',
  bool_parsing: 'Input should be a valid boolean, unable to interpret input',
  none_required: 'Input should be null',
  list_type: 'Input should be a valid list',
  tuple_type: 'Input should be a valid tuple',
  dict_type: 'Input should be a valid dictionary',
  model_anonymous: 'Input should be a valid dictionary or object to extract fields from',
  datetime_type: 'Input should be a valid datetime',
  datetime_parsing:
    'Input should be a valid datetime, expected an RFC 3339 date-time with a time zone, such as 2024-01-31T12:00:00Z',
  date_parsing: 'Input should be a valid date in the format YYYY-MM-DD',
  uuid_parsing: 'Input should be a valid UUID, expected 32 hexadecimal digits as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
  email_prefix: 'value is not a valid email address: ',
  recursion_loop: (max: number) => `Input is nested too deeply: at most ${max} levels are allowed`,
  model_type: (name: string) => `Input should be a valid dictionary or instance of ${name}`,
  string_too_short: (n: number) => `String should have at least ${plural(n, 'character')}`,
  string_too_long: (n: number) => `String should have at most ${plural(n, 'character')}`,
  string_pattern_mismatch: (p: string) => `String should match pattern '${p}'`,
  greater_than_equal: (n: number) => `Input should be greater than or equal to ${n}`,
  greater_than: (n: number) => `Input should be greater than ${n}`,
  less_than_equal: (n: number) => `Input should be less than or equal to ${n}`,
  less_than: (n: number) => `Input should be less than ${n}`,
  multiple_of: (n: number) => `Input should be a multiple of ${n}`,
  /** Followed at run time by the actual length. */
  too_short: (what: 'List' | 'Tuple', n: number) => `${what} should have at least ${plural(n, 'item')} after validation, not `,
  too_long: (what: 'List' | 'Tuple', n: number) => `${what} should have at most ${plural(n, 'item')} after validation, not `,
  literal: (values: readonly (string | number | boolean)[]) => `Input should be ${expected(values)}`,
  union_tag_not_found: (prop: string) => `Unable to extract tag using discriminator '${prop}'`,
  /** Split around the tag found at run time. */
  union_tag_invalid: (prop: string, tags: readonly (string | number | boolean)[]) =>
    [`Input tag `, ` found using '${prop}' does not match any of the expected tags: ${tags.map(repr).join(', ')}`] as const,
  unique_items: 'Value error, List should have unique items; a duplicate is at index ',
};

/**
 * The label of a union variant in an error's loc (pydantic puts the variant
 * there too): the type's name for refs, else its kind (`string`, `number`,
 * `integer`, `boolean`, `null`, `literal['a']`, `enum`, `array`, `tuple`,
 * `object`, `Date`, `unknown`).
 */
export function variantLabel(t: TypeIR): string {
  switch (t.kind) {
    case 'ref':
      return t.name;
    case 'number':
      return t.integer ? 'integer' : 'number';
    case 'literal':
      return `literal[${repr(t.value)}]`;
    case 'date':
      return 'Date';
    case 'object':
      return t.properties.length === 0 && t.additionalProperties ? 'record' : 'object';
    default:
      return t.kind;
  }
}
