import { HttpError, type Dep, type Header, type ResponseInfo } from 'covet';
import type { Message } from './hello.ts';

export interface Caller {
  name: string;
}

/** The caller, from the authorization header (`Bearer <name>`); 401 without one. */
export function caller(authorization?: Header<string>): Caller {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) throw new HttpError(401, 'sign in');
  return { name: authorization.slice(7) };
}

let answered = 0;
let slow = 0;

/**
 * What a metrics hook does at the least: counts answers and slow ones (this module's routes only).
 * @onResponse
 */
export function observe(info: ResponseInfo): void {
  answered++;
  if (info.durationMs > 100) slow++;
}

/**
 * The bench's `authed` scenario: a provider reads the header, an onResponse hook sees the answer.
 * @route GET /me
 */
export function me(user: Dep<typeof caller>): Message {
  return { message: `Hello, ${user.name}!` };
}
