/**
 * The cleanup rules of runtime-min/lifecycle.ts, with real generators and disposables: which
 * failure a request answers after its cleanups ran (LIFECYCLE.md: a cleanup's own error wins; a
 * cleanup that completes cannot turn a failure into a success).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from './api.ts';
import { dispose, disposeAsync, Failure, resume, resumeAsync, yielded } from './lifecycle.ts';

function* tx(log: string[], onFailure: 'rethrow' | 'swallow' | 'translate'): Generator<string> {
  try {
    yield 'tx';
    log.push('commit');
  } catch (err) {
    log.push(`rollback ${(err as Error).message}`);
    if (onFailure === 'rethrow') throw err;
    if (onFailure === 'translate') throw new HttpError(409, 'conflict');
  }
}

test('a generator is resumed after a success and sees the failure at its yield after one', () => {
  const log: string[] = [];
  const ok = tx(log, 'rethrow');
  assert.is(yielded(ok.next()), 'tx');
  assert.is(resume(ok, null, 'tx (db.ts:1)'), null);
  const failed = tx(log, 'rethrow');
  yielded(failed.next());
  const failure = new Failure(new Error('boom'), null);
  assert.is(resume(failed, failure, 'tx (db.ts:1)'), failure, 'rethrown: the same failure, where it was');
  assert.equal(log, ['commit', 'rollback boom']);
});

test('a cleanup that swallows the failure does not make it a success; one that throws its own error is answered', () => {
  const swallow = tx([], 'swallow');
  yielded(swallow.next());
  const failure = new Failure(new Error('boom'), 'handler');
  assert.is(resume(swallow, failure, 'tx (db.ts:1)'), failure);
  const translate = tx([], 'translate');
  yielded(translate.next());
  const answered = resume(translate, failure, 'tx (db.ts:1)')!;
  assert.instance(answered.error, HttpError);
  assert.is((answered.error as HttpError).status, 409);
  assert.is(answered.at, 'tx (db.ts:1), in its cleanup');
});

test('a commit that fails after a success is the failure; a generator that never yields is a bug', () => {
  function* failing(): Generator<number> {
    yield 1;
    throw new Error('commit failed');
  }
  const gen = failing();
  yielded(gen.next());
  const f = resume(gen, null, 'failing (db.ts:9)')!;
  assert.is((f.error as Error).message, 'commit failed');
  function* empty(): Generator<number> {}
  assert.throws(() => yielded(empty().next()), /returned without yielding/);
});

test('async generators and disposables follow the same rules', async () => {
  const log: string[] = [];
  async function* atx(): AsyncGenerator<string> {
    try {
      yield 'a';
      log.push('commit');
    } catch (err) {
      log.push('rollback');
      throw err;
    }
  }
  const ok = atx();
  yielded(await ok.next());
  assert.is(await resumeAsync(ok, null, 'atx'), null);
  const bad = atx();
  yielded(await bad.next());
  const failure = new Failure(new Error('x'), null);
  assert.is(await resumeAsync(bad, failure, 'atx'), failure);
  const res = { [Symbol.dispose]: () => log.push('dispose'), [Symbol.asyncDispose]: async () => void log.push('asyncDispose') };
  assert.is(dispose(res, null, 'r'), null);
  assert.is(await disposeAsync(res, failure, 'r'), failure);
  assert.is(dispose(undefined, null, 'r'), null, 'a provider that handed out nothing has nothing to dispose');
  const broken = { [Symbol.dispose]: () => { throw new Error('release failed'); } };
  assert.is(dispose(broken, failure, 'conn (db.ts:3)')!.at, 'conn (db.ts:3), in its [Symbol.dispose]');
  assert.equal(log, ['commit', 'rollback', 'dispose', 'asyncDispose']);
});

test.run();
