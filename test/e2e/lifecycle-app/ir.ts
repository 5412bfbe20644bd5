/**
 * The IR of this app, written by hand (the compiler's side of issue 12 lands on another branch):
 * what the generated dispatch is built from in test/e2e/lifecycle.test.ts. Positions are read from
 * the sources, so that the file:line in comments and logs is the real one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppIR, HandlerIR, HookIR, LifecycleIR, ParamIR, ProviderIR, RouteIR, TypeIR } from '../../../ir/ir.ts';

const DIR = path.dirname(new URL(import.meta.url).pathname);

function fn(file: string, exportName: string, async = false): HandlerIR {
  const lines = readFileSync(path.join(DIR, file), 'utf8').split('\n');
  const decl = exportName === 'default' ? /^export default function/ : new RegExp(`^export (async )?function\\*? ${exportName}\\(`);
  const at = lines.findIndex((l) => decl.test(l));
  if (at === -1) throw new Error(`${exportName} not found in ${file}`);
  return { exportName, file, line: at + 1, column: 1, async };
}

const str: TypeIR = { kind: 'string' };
const unknown: TypeIR = { kind: 'unknown' };
const dep = (name: string, provider: string): ParamIR => ({ kind: 'dep', name, provider });
const header = (name: string, key: string, required: boolean): ParamIR => ({ kind: 'header', name, key, type: str, required });

function provider(id: string, file: string, o: Partial<ProviderIR> & { async?: boolean } = {}): ProviderIR {
  return { id, fn: fn(file, o.fn?.exportName ?? id, o.async ?? false), form: o.form ?? 'return', ...(o.dispose ? { dispose: o.dispose } : {}), params: o.params ?? [], answers: o.answers ?? false };
}

function hook(id: string, event: HookIR['event'], params: HookIR['params'], async = false): HookIR {
  return { id, event, scope: 'app', fn: fn('hooks.ts', id, async), params };
}

function route(method: RouteIR['method'], p: string, id: string, params: ParamIR[], lifecycle?: LifecycleIR, response: TypeIR | null = unknown): RouteIR {
  return {
    id,
    method,
    path: p,
    segments: p.split('/').filter(Boolean).map((value) => ({ kind: 'static', value })),
    handler: fn('routes.ts', id),
    params,
    status: 200,
    response,
    tags: [],
    deprecated: false,
    throws: [],
    ...(lifecycle ? { lifecycle } : {}),
  };
}

const life = (providers: string[], o: Partial<LifecycleIR> = {}): LifecycleIR => ({ providers, onRequest: o.onRequest ?? [], onResponse: o.onResponse ?? [], onError: o.onError ?? [] });

export const providers: Record<string, ProviderIR> = {
  __covet_rt: provider('__covet_rt', 'odd.ts', { params: [{ kind: 'ctx', name: 'ctx' }] }),
  connection: provider('connection', 'db.ts', { async: true, dispose: 'async' }),
  default: provider('default', 'odd.ts', {
    params: [header('failure', 'x-failure', true), { kind: 'query', name: 'at', key: 'at', type: str, required: false }],
  }),
  currentUser: provider('currentUser', 'auth.ts', { params: [header('authorization', 'authorization', true)] }),
  leaky: provider('leaky', 'db.ts', { form: 'generator' }),
  moved: provider('moved', 'auth.ts', { answers: true }),
  broken: provider('broken', 'auth.ts'),
  notModified: provider('notModified', 'auth.ts', { params: [header('ifNoneMatch', 'if-none-match', false)], answers: true }),
  requestId: provider('requestId', 'auth.ts', { params: [{ kind: 'ctx', name: 'ctx' }, header('id', 'x-request-id', false)] }),
  team: provider('team', 'auth.ts', { async: true, params: [dep('user', 'currentUser')] }),
  transaction: provider('transaction', 'db.ts', { async: true, form: 'generator' }),
};

export const hooks: Record<string, HookIR> = {
  conflicts: hook('conflicts', 'error', [{ kind: 'error', name: 'err' }]),
  record: hook('record', 'response', [{ kind: 'info', name: 'info' }]),
  rejects: hook('rejects', 'response', [{ kind: 'info', name: 'info' }], true),
};

const body: TypeIR = {
  kind: 'object',
  properties: [
    { name: 'name', type: { kind: 'string', minLength: 1 }, optional: false },
    { name: 'fail', type: { kind: 'boolean' }, optional: true },
  ],
};

export const ir: AppIR = {
  version: 2,
  types: {},
  providers,
  hooks,
  routes: [
    route('GET', '/me', 'me', [dep('user', 'currentUser'), dep('group', 'team'), dep('id', 'requestId'), { kind: 'ctx', name: 'ctx' }], life(['requestId', 'currentUser', 'team'], { onRequest: ['requestId'], onResponse: ['record'] })),
    route(
      'POST',
      '/items',
      'addItem',
      [dep('user', 'currentUser'), dep('tx', 'transaction'), dep('conn', 'connection'), { kind: 'body', name: 'body', type: body, required: true }],
      life(['currentUser', 'transaction', 'connection'], { onResponse: ['record'], onError: ['conflicts'] }),
    ),
    route('GET', '/items', 'items', []),
    route('GET', '/cached', 'cached', [dep('_fresh', 'notModified')], life(['notModified'], { onRequest: ['notModified'], onResponse: ['record'] })),
    route('GET', '/old', 'old', [], life(['moved'], { onRequest: ['moved'] })),
    route('GET', '/leaky', 'leakyRoute', [dep('_n', 'leaky')], life(['leaky'], { onResponse: ['record'] })),
    route('GET', '/hook-throws', 'hookThrows', [], life(['broken'], { onRequest: ['broken'], onResponse: ['record', 'rejects'] })),
    route('GET', '/log', 'log', []),
    route(
      'GET',
      '/names',
      'names',
      [dep('failure', 'default'), dep('status', '__covet_rt'), { kind: 'query', name: 'performance', key: 'performance', type: str, required: false }, header('reply_200_unknown', 'x-reply', false)],
      life(['default', '__covet_rt']),
    ),
  ],
};
