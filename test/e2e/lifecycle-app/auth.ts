import { Answer, HttpError, type Ctx, type Dep, type Header } from 'covet';
import { events } from './state.ts';

export interface User {
  name: string;
  admin: boolean;
}

/** A provider: the signed-in user from the authorization header. */
export function currentUser(authorization: Header<string>): User {
  events.push('currentUser');
  if (authorization === 'Bearer ada') return { name: 'ada', admin: true };
  if (authorization === 'Bearer bob') return { name: 'bob', admin: false };
  throw new HttpError(401, 'not signed in', { headers: { 'www-authenticate': 'Bearer' } });
}

/** An async provider that depends on another. */
export async function team(user: Dep<typeof currentUser>): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  events.push('team');
  return user.admin ? 'core' : 'guests';
}

/** An onRequest hook: a provider too (its value reaches the handler). */
export function requestId(ctx: Ctx, id?: Header<string, 'x-request-id'>): string {
  events.push('requestId');
  const value = id ?? 'generated';
  ctx.setHeader('x-request-id', value);
  return value;
}

/** An onRequest hook that answers early: 304 when the client has the current version. */
export function notModified(ifNoneMatch?: Header<string, 'if-none-match'>): Answer | undefined {
  events.push('notModified');
  if (ifNoneMatch === '"v1"') return new Answer(304, undefined, { headers: { etag: '"v1"' } });
  return undefined;
}

/** An onRequest hook that redirects. */
export function moved(): Answer {
  return new Answer(308, { detail: 'moved' }, { headers: { location: '/me' } });
}

/** An onRequest hook with a bug. */
export function broken(): void {
  throw new Error('secret hook detail');
}
