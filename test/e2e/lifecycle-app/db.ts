import { committed, events } from './state.ts';

export interface Tx {
  items: string[];
}

/** A transaction: commits after the handler, rolls back when it fails. */
export async function* transaction(): AsyncGenerator<Tx> {
  const tx: Tx = { items: [] };
  events.push('begin');
  try {
    yield tx;
    committed.push(...tx.items);
    events.push('commit');
  } catch (err) {
    events.push(`rollback: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

/** A connection with [Symbol.asyncDispose]: released as its cleanup. */
export async function connection(): Promise<{ id: number; [Symbol.asyncDispose](): Promise<void> }> {
  events.push('connect');
  return {
    id: 1,
    async [Symbol.asyncDispose]() {
      events.push('release');
    },
  };
}

/** A provider whose cleanup fails. */
export function* leaky(): Generator<number> {
  yield 1;
  throw new Error('secret cleanup detail');
}
