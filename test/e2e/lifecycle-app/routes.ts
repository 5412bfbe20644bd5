import type { Ctx, Dep, Header, Query } from 'covet';
import type oddDefault from './odd.ts';
import type { __covet_rt } from './odd.ts';
import type { currentUser, team, requestId, notModified } from './auth.ts';
import type { connection, leaky, transaction } from './db.ts';
import { Conflict } from './hooks.ts';
import { committed, events, responses } from './state.ts';

/** @route GET /me */
export function me(user: Dep<typeof currentUser>, group: Dep<typeof team>, id: Dep<typeof requestId>, ctx: Ctx) {
  events.push('me');
  return { name: user.name, team: group, requestId: id, path: ctx.path };
}

/** @route POST /items */
export function addItem(user: Dep<typeof currentUser>, tx: Dep<typeof transaction>, conn: Dep<typeof connection>, body: { name: string; fail?: boolean }) {
  events.push('addItem');
  tx.items.push(`${body.name} by ${user.name} on ${conn.id}`);
  if (body.name === 'dup') throw new Conflict('dup');
  if (body.fail) throw new Error('secret handler detail');
  return { added: body.name };
}

/** @route GET /items */
export function items(): string[] {
  return committed;
}

/** @route GET /cached */
export function cached(_fresh: Dep<typeof notModified>) {
  return { version: 'v1' };
}

/** @route GET /old */
export function old() {
  return { never: true };
}

/** @route GET /leaky */
export function leakyRoute(_n: Dep<typeof leaky>) {
  return { ok: true };
}

/** @route GET /hook-throws */
export function hookThrows() {
  return { ok: true };
}

/** @route GET /log */
export function log() {
  const out = { events: events.slice(), responses: responses.slice() };
  events.length = 0;
  responses.length = 0;
  return out;
}

/** @route GET /names */
export function names(failure: Dep<typeof oddDefault>, status: Dep<typeof __covet_rt>, performance?: Query<string>, reply_200_unknown?: Header<string, 'x-reply'>) {
  return { failure, status, performance: performance ?? null, reply: reply_200_unknown ?? null };
}
