import { HttpError, type Header } from 'covet';
import type { Message } from './hello.ts';

/**
 * The bench's `authed-plain` scenario: `authed` without the provider and the hook, the handler
 * reading the header itself.
 * @route GET /me-plain
 */
export function mePlain(authorization?: Header<string>): Message {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) throw new HttpError(401, 'sign in');
  return { message: `Hello, ${authorization.slice(7)}!` };
}
