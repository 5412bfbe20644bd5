import { Answer, type ResponseInfo } from 'covet';
import { responses } from './state.ts';

export class Conflict extends Error {}

/** onResponse: records what it is told. */
export function record(info: ResponseInfo): void {
  responses.push({
    status: info.status,
    durationMs: info.durationMs,
    route: info.route,
    method: info.method,
    error: info.error === undefined ? null : info.error instanceof Error ? info.error.message : String(info.error),
  });
}

/** An async onResponse hook that rejects. */
export async function rejects(info: ResponseInfo): Promise<void> {
  await Promise.resolve();
  throw new Error(`async hook failed after ${info.status}`);
}

/** onError: a Conflict becomes a 409. */
export function conflicts(err: unknown): Answer | undefined {
  return err instanceof Conflict ? new Answer(409, { detail: 'already there' }) : undefined;
}
