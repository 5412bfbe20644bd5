/**
 * Test support (not a test file): compile generated validators into callable
 * functions (with `new Function`, tests only) and a few IR shorthands.
 */
import type { AppIR, BodyParamIR, ScalarParamIR, TypeIR, PropertyIR } from '../../../ir/ir.ts';
import { NameTable } from '../../code.ts';
import { ValidatorGen } from '../index.ts';

export type Types = AppIR['types'];
export interface Err {
  loc: (string | number)[];
  msg: string;
  type: string;
}
export interface Result {
  value: unknown;
  errors: Err[];
}
export type Run = (input: unknown) => Result;

/** Runs the module text of `gen.code()` and returns the named functions. */
export function load(gen: ValidatorGen, names: string[]): Record<string, (input: unknown, errs: Err[]) => unknown> {
  const src = `${gen.code().text}\nreturn { ${names.join(', ')} };`;
  return new Function(src)();
}

export function bodyValidator(type: TypeIR, types: Types = {}, required = true): Run {
  const gen = new ValidatorGen(types, new NameTable());
  const param: BodyParamIR = { kind: 'body', name: 'body', type, required };
  const fn = gen.body(param, 'route').text;
  const f = load(gen, [fn])[fn]!;
  return (input) => {
    const errors: Err[] = [];
    const value = f(input, errors);
    return { value, errors };
  };
}

export function scalarValidator(param: Partial<ScalarParamIR> & { type: TypeIR }, types: Types = {}): Run {
  const gen = new ValidatorGen(types, new NameTable());
  const full: ScalarParamIR = { kind: 'query', name: 'q', key: 'q', required: true, ...param };
  const fn = gen.scalar(full, 'route').text;
  const f = load(gen, [fn])[fn]!;
  return (input) => {
    const errors: Err[] = [];
    const value = f(input, errors);
    return { value, errors };
  };
}

// IR shorthands
export const str = (extra: object = {}): TypeIR => ({ kind: 'string', ...extra });
export const num = (extra: object = {}): TypeIR => ({ kind: 'number', ...extra });
export const int = (extra: object = {}): TypeIR => ({ kind: 'number', integer: true, ...extra });
export const bool: TypeIR = { kind: 'boolean' };
export const nul: TypeIR = { kind: 'null' };
export const unknownT: TypeIR = { kind: 'unknown' };
export const date: TypeIR = { kind: 'date' };
export const lit = (value: string | number | boolean): TypeIR => ({ kind: 'literal', value });
export const arr = (items: TypeIR, extra: object = {}): TypeIR => ({ kind: 'array', items, ...extra });
export const ref = (name: string): TypeIR => ({ kind: 'ref', name });
export const union = (...variants: TypeIR[]): TypeIR => ({ kind: 'union', variants });
export const prop = (name: string, type: TypeIR, optional = false): PropertyIR => ({ name, type, optional });
export const obj = (properties: PropertyIR[], additionalProperties?: TypeIR): TypeIR =>
  additionalProperties ? { kind: 'object', properties, additionalProperties } : { kind: 'object', properties };
export const named = (type: TypeIR, display = 'T') => ({ display, type });

/** Deep clone of a JSON value (keeps `__proto__` keys as data, like JSON.parse). */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** The sample types used by several suites: an app's worth of shapes. */
export const sampleTypes: Types = {
  User: {
    display: 'User',
    source: { file: 'app/users.ts', line: 4, column: 1 },
    description: 'A registered user.',
    type: obj([
      prop('id', int()),
      prop('name', str({ minLength: 1, maxLength: 50 })),
      prop('email', str({ format: 'email' })),
      prop('age', int({ minimum: 0, maximum: 150 }), true),
      prop('tags', arr(str())),
      prop('role', { kind: 'union', variants: [lit('admin'), lit('member')], default: 'member' }),
    ]),
  },
  Status: { display: 'Status', type: { kind: 'enum', names: ['Open', 'Done'], values: ['open', 'done'] } },
  Priority: { display: 'Priority', type: { kind: 'enum', names: ['Low', 'High'], values: [1, 2] } },
  Tree: {
    display: 'Tree',
    type: obj([prop('value', num()), prop('children', arr(ref('Tree')))]),
  },
  Circle: { display: 'Circle', type: obj([prop('kind', lit('circle')), prop('radius', num({ exclusiveMinimum: 0 }))]) },
  Square: { display: 'Square', type: obj([prop('kind', lit('square')), prop('side', num({ minimum: 0 }))]) },
  Shape: {
    display: 'Circle | Square',
    type: {
      kind: 'union',
      variants: [ref('Circle'), ref('Square')],
      discriminator: { property: 'kind', mapping: [{ value: 'circle', variant: 0 }, { value: 'square', variant: 1 }] },
    },
  },
};
