/**
 * fixtures/lifecycle as the tools that read only its IR see it: `covet routes` (the LIFECYCLE
 * column), `covet inspect`'s comment of a route's chain, and the providers' parameters in the
 * OpenAPI document and the generated client (both read a route's inputs with routeInputs()).
 * Built from the IR golden, which compiler/compiler.test.ts checks against the app.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppIR } from '../ir/ir.ts';
import { openApiDocument } from '../codegen/openapi/index.ts';
import { emitClient } from '../codegen/client/index.ts';
import { routeColumns, routeRows } from '../pipeline/describe.ts';
import { lifecycleComment } from '../pipeline/inspect.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const readIr = (app: string) => JSON.parse(readFileSync(path.join(root, 'fixtures', app, 'expected', 'ir.json'), 'utf8')) as AppIR;
const ir = readIr('lifecycle');
const byId = (id: string) => ir.routes.find((r) => r.id === id)!;

type Operation = { parameters?: { in: string; name: string; required?: boolean }[]; responses: Record<string, unknown> };
const doc = openApiDocument(ir, { title: 'lifecycle', version: '1.0.0' }) as unknown as { paths: Record<string, Record<string, Operation>> };

test('OpenAPI: a provider\'s parameters are the route\'s, once each; 422 documented for a route whose only inputs are its providers\'', () => {
  const get = doc.paths['/accounts/{accountId}']!.get!;
  assert.equal(
    get.parameters!.map((p) => `${p.in}:${p.name}`).sort(),
    ['cookie:sid', 'header:authorization', 'path:accountId', 'query:limit', 'query:offset'],
  );
  const owner = doc.paths['/accounts/{accountId}/owner']!.get!;
  assert.equal(byId('accountOwner').params.map((p) => p.kind), ['dep'], 'the handler itself reads nothing');
  assert.equal(owner.parameters!.map((p) => `${p.in}:${p.name}`).sort(), ['header:authorization', 'path:accountId']);
  assert.ok(owner.responses['422'], 'the path parameter of the provider can fail validation');
  // The app hooks take only the context: a route without providers reads nothing, and documents no 422.
  assert.equal(doc.paths['/plain']!.get!.parameters ?? [], []);
  assert.not.ok(doc.paths['/plain']!.get!.responses['422']);
});

test('the client sends a provider\'s parameters as the route\'s arguments', () => {
  const client = emitClient(ir, { title: 'lifecycle' });
  const call = client.split('\n').find((l) => l.includes('getAccount: (args, init)'))!;
  assert.ok(call, client);
  for (const part of ['args.accountId', '["limit", args.limit]', '["offset", args.offset]', '["authorization", args.authorization]', '["sid", args.sid]']) {
    assert.ok(call.includes(part), `${part} in ${call}`);
  }
  assert.match(client.split('\n').find((l) => l.includes('accountOwner: (args, init)'))!, /args\.accountId.*\["authorization", args\.authorization\]/);
});

test('covet routes: a LIFECYCLE column for an app with providers or hooks, none for one without', () => {
  assert.equal(routeColumns(ir).header.at(-1), 'LIFECYCLE');
  const row = routeRows(ir).find((r) => r[2] === 'transfer')!;
  assert.is(
    row[6],
    'onRequest: requestId, maintenance, signedIn · providers: currentUser, account, transaction, audit, lock · onResponse: timing · onError: conflict, teapot',
  );
  assert.is(routeRows(ir).find((r) => r[2] === 'plain')![6], 'onRequest: requestId, maintenance · onResponse: timing · onError: teapot');
  const plain = readIr('routing');
  assert.equal(routeColumns(plain).header, ['METHOD', 'PATH', 'HANDLER', 'SOURCE', 'PARAMS', 'STATUS']);
  assert.ok(routeRows(plain).every((r) => r.length === 6));
});

test('covet inspect: the chain of a route, in run order, with each function\'s source and what it reads', () => {
  const text = lifecycleComment(ir, byId('getAccount'));
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^\/\/ GET \/accounts\/:accountId: its lifecycle, in run order/);
  assert.equal(
    lines.slice(1, 9).map((l) => l.trim().split(/\s+/)[1]),
    ['requestId', 'maintenance', 'currentUser', 'signedIn', 'account', 'pagination', 'settings', 'session'],
  );
  assert.match(text, /account\s+providers\.ts:50\s+provider; reads :accountId, Dep currentUser/);
  assert.match(text, /maintenance\s+hooks\.ts:27\s+onRequest hook \(may answer\); reads ctx/);
  assert.match(text, /settings\s+providers\.ts:63\s+provider, async; reads Dep currentUser/);
  assert.match(text, /on a failure, onError hooks[^\n]*\n\/\/\s+conflict\s+accounts\.ts:23\s+module hook\n\/\/\s+teapot\s+hooks\.ts:42\s+app hook/);
  assert.is(lifecycleComment(readIr('routing'), readIr('routing').routes[0]!), '', 'nothing for a route without a lifecycle');
});

test('covet routes prints the LIFECYCLE column, and --json has it as a key', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/covet.mjs'), ...args], { cwd: root, encoding: 'utf8' });
  const table = run('routes', 'fixtures/lifecycle');
  assert.is(table.status, 0, table.stderr);
  assert.match(table.stdout.split('\n')[0]!, /^METHOD\s+PATH\s+HANDLER\s+SOURCE\s+PARAMS\s+STATUS\s+LIFECYCLE$/);
  assert.match(table.stdout, /\nGET\s+\/accounts\/:accountId\/owner\s+accountOwner\s+accounts\.ts:58\s+dep: acct \(account\)\s+200\s+onRequest: requestId, maintenance, signedIn · providers: currentUser, account · /);
  const json = JSON.parse(run('routes', 'fixtures/lifecycle', '--json').stdout) as Record<string, string>[];
  assert.is(json.find((r) => r.handler === 'log')!.lifecycle, 'onRequest: requestId, maintenance · onResponse: timing · onError: teapot');
});

test.run();
