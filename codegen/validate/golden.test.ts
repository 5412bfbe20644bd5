// Golden files: the generated code for representative types, reviewed as
// diffs. Refresh with UPDATE_SNAPSHOTS=1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { NameTable } from '../code.ts';
import { ValidatorGen } from './index.ts';
import { arr, bool, date, int, lit, nul, num, obj, prop, ref, sampleTypes, str, union, unknownT } from './testing/testkit.ts';

const dir = new URL('./__snapshots__/', import.meta.url);
const update = process.env.UPDATE_SNAPSHOTS === '1';

function golden(name: string, build: (gen: ValidatorGen) => void): void {
  test(`golden: ${name}`, () => {
    const gen = new ValidatorGen(sampleTypes, new NameTable());
    build(gen);
    const actual = `${gen.code().text}\n`;
    new Function(actual); // must parse
    const file = new URL(`${name}.js`, dir);
    if (update || !existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, actual);
      if (!update) assert.unreachable(`wrote missing snapshot ${name}.js; review it and run again`);
    }
    assert.fixture(actual, readFileSync(file, 'utf8'));
  });
}

golden('user-body', (gen) => gen.body({ kind: 'body', name: 'body', type: ref('User'), required: true }, 'createUser'));

golden('shapes-and-tree', (gen) => {
  gen.body({ kind: 'body', name: 'shapes', type: arr(ref('Shape'), { maxItems: 100 }), required: true }, 'drawShapes');
  gen.body({ kind: 'body', name: 'tree', type: ref('Tree'), required: false }, 'saveTree');
});

golden('anonymous-body', (gen) =>
  gen.body({
    kind: 'body',
    name: 'body',
    type: obj(
      [
        prop('title', str({ minLength: 1, pattern: '^\\S' })),
        prop('due', union(date, nul), true),
        prop('point', { kind: 'tuple', items: [num(), num()], minItems: 2 }),
        prop('value', union(str(), int(), bool, lit('auto'))),
        prop('meta', unknownT, true),
      ],
      arr(str(), { uniqueItems: true }),
    ),
    required: true,
  }, 'createTodo'),
);

golden('scalars', (gen) => {
  gen.scalar({ kind: 'path', name: 'id', key: 'id', type: int({ minimum: 1 }), required: true }, 'getTodo');
  gen.scalar({ kind: 'query', name: 'status', key: 'status', type: ref('Status'), required: false }, 'listTodos');
  gen.scalar({ kind: 'query', name: 'tags', key: 'tag', type: arr(str({ maxLength: 20 })), required: false }, 'listTodos');
  gen.scalar({ kind: 'query', name: 'done', key: 'done', type: bool, required: false, default: false }, 'listTodos');
  gen.scalar({ kind: 'header', name: 'apiKey', key: 'x-api-key', type: str({ format: 'uuid' }), required: true }, 'listTodos');
  gen.scalar({ kind: 'cookie', name: 'since', key: 'since', type: date, required: false }, 'listTodos');
});

golden('hostile-names', (gen) =>
  gen.body({
    kind: 'body',
    name: 'body',
    type: obj([prop("'", int()), prop('*/', str(), true), prop('\u2028', bool), prop('__proto__', str(), true), prop('constructor', str())], str()),
    required: true,
  }, 'hostile'),
);

test.run();
