/**
 * closeables.ts: what the server closes at shutdown, together, each bounded; failures and
 * stragglers are reported (one line each), never thrown; an unregistered one is left alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeAll, closeAtShutdown } from './closeables.ts';

test('closes every registered one, in parallel, and reports the one that fails and the one that hangs', async () => {
  const closed: string[] = [];
  closeAtShutdown('a sync one', () => void closed.push('sync'));
  closeAtShutdown('an async one', async () => {
    await new Promise((r) => setTimeout(r, 20));
    closed.push('async');
  });
  closeAtShutdown('a failing one', () => Promise.reject(new Error('socket already gone')));
  closeAtShutdown('a throwing one', () => {
    throw new Error('thrown');
  });
  closeAtShutdown('a hanging one', () => new Promise(() => {}));
  const started = Date.now();
  const problems = await closeAll(100);
  const took = Date.now() - started;
  assert.equal(closed.sort(), ['async', 'sync']);
  assert.equal(problems.sort(), ['a failing one failed to close: socket already gone', 'a hanging one did not close within 100 ms', 'a throwing one failed to close: thrown']);
  assert.ok(took >= 95 && took < 1000, `one limit for all, not one after the other: ${took} ms`);
});

test('a second closeAll closes nothing again; an unregistered one is not closed', async () => {
  let calls = 0;
  const unregister = closeAtShutdown('gone early', () => calls++);
  closeAtShutdown('kept', () => calls++);
  unregister();
  assert.equal(await closeAll(100), []);
  assert.is(calls, 1);
  assert.equal(await closeAll(100), []);
  assert.is(calls, 1);
});

test.run();
