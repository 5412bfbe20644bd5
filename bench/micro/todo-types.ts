/**
 * The todo app's types as type IR, built by hand (what the compiler produces
 * for them): User, NewUser, Todo, Page<Todo>. Used by the micro-benchmark
 * when the real fixtures/todo-app cannot be compiled.
 */

import type { AppIR, PropertyIR, TypeIR } from '../../ir/ir.ts';

const int = (extra: Partial<TypeIR & { kind: 'number' }> = {}): TypeIR => ({ kind: 'number', integer: true, ...extra });
const prop = (name: string, type: TypeIR, optional = false): PropertyIR => ({ name, type, optional });

const userProps: PropertyIR[] = [
  prop('id', int({ minimum: 1 })),
  prop('name', { kind: 'string', minLength: 1, maxLength: 50 }),
  prop('email', { kind: 'string', format: 'email' }),
  prop('age', int({ minimum: 0, maximum: 150 }), true),
  prop('tags', { kind: 'array', items: { kind: 'string' } }),
];

export const todoTypes: AppIR['types'] = {
  User: { display: 'User', source: { file: 'models.ts', line: 1, column: 1 }, type: { kind: 'object', properties: userProps } },
  NewUser: { display: "Omit<User, 'id'>", source: { file: 'models.ts', line: 9, column: 1 }, type: { kind: 'object', properties: userProps.slice(1) } },
  Todo: {
    display: 'Todo',
    source: { file: 'models.ts', line: 11, column: 1 },
    type: {
      kind: 'object',
      properties: [
        prop('id', int({ minimum: 1 })),
        prop('title', { kind: 'string', minLength: 1, maxLength: 200 }),
        prop('done', { kind: 'boolean' }),
        prop('priority', { kind: 'union', variants: ['low', 'normal', 'high'].map((value): TypeIR => ({ kind: 'literal', value })) }),
        prop('due', { kind: 'date' }, true),
        prop('tags', { kind: 'array', items: { kind: 'string' } }),
        prop('owner', { kind: 'ref', name: 'User' }),
      ],
    },
  },
  Page_Todo: {
    display: 'Page<Todo>',
    source: { file: 'models.ts', line: 21, column: 1 },
    type: {
      kind: 'object',
      properties: [
        prop('items', { kind: 'array', items: { kind: 'ref', name: 'Todo' } }),
        prop('total', int({ minimum: 0 })),
        prop('next', { kind: 'union', variants: [{ kind: 'string' }, { kind: 'null' }] }),
      ],
    },
  },
};
