/**
 * What the dispatch of a route with a lifecycle (providers, hooks) calls besides rt.ts: the
 * failure record the generated code carries to the answer, the body read that throws instead of
 * answering, generator and dispose cleanups, `Answer`s, and the logging of hooks that fail after
 * the answer. A route without a lifecycle uses none of it (codegen/app/lifecycle.ts emits the calls).
 */
import { Answer, HttpError } from './api.ts';
import type { EngineResponse, PreparedHeaders } from './engine.ts';
import { EMPTY_HEADER_PAIRS, fail, internalError, JSON_HEADER_PAIRS, logError, prepareHeaders, withHeaders, type Context, type ValidationError } from './rt.ts';

/**
 * What failed, and in which function: what a request carries from the first failure to its answer
 * (made only when something fails). `at` names a provider, hook or cleanup as `fn (file:line)`;
 * null for the handler (the route's label names it already).
 */
export class Failure {
  constructor(
    readonly error: unknown,
    readonly at: string | null,
  ) {}
}

/** The 422 of the inputs validated so far: an HttpError, so that cleanups and onError hooks see it as FastAPI's do. */
export function invalidInput(errors: ValidationError[]): HttpError {
  return new HttpError(422, errors);
}

/** A generator provider's value: the first value it yields. One that ends without yielding is a bug in it. */
export function yielded<T>(step: IteratorResult<T, unknown>): T {
  if (step.done) throw new Error('covet: the generator provider returned without yielding a value');
  return step.value;
}

/**
 * A generator provider's cleanup: resumes it after a success, throws the failure in at its
 * `yield` after one. Returns the failure to answer: the cleanup's own error when it throws (a
 * provider may translate a database error into an HttpError), else the failure it was given (a
 * cleanup that swallows the failure does not turn it into a success).
 */
export function resume(gen: Generator<unknown, unknown, unknown>, failure: Failure | null, at: string): Failure | null {
  try {
    if (failure === null) gen.next();
    else gen.throw(failure.error);
  } catch (err) {
    return failure !== null && err === failure.error ? failure : new Failure(err, `${at}, in its cleanup`);
  }
  return failure;
}

/** `resume` for an `async function*` provider. */
export async function resumeAsync(gen: AsyncGenerator<unknown, unknown, unknown>, failure: Failure | null, at: string): Promise<Failure | null> {
  try {
    if (failure === null) await gen.next();
    else await gen.throw(failure.error);
  } catch (err) {
    return failure !== null && err === failure.error ? failure : new Failure(err, `${at}, in its cleanup`);
  }
  return failure;
}

/** The cleanup of a value with `[Symbol.dispose]` (none when the value is null or undefined); the failure to answer, as `resume`. */
export function dispose(value: unknown, failure: Failure | null, at: string): Failure | null {
  if (value === null || value === undefined) return failure;
  try {
    (value as Disposable)[Symbol.dispose]();
  } catch (err) {
    return new Failure(err, `${at}, in its [Symbol.dispose]`);
  }
  return failure;
}

/** `dispose` with `[Symbol.asyncDispose]`. */
export async function disposeAsync(value: unknown, failure: Failure | null, at: string): Promise<Failure | null> {
  if (value === null || value === undefined) return failure;
  try {
    await (value as AsyncDisposable)[Symbol.asyncDispose]();
  } catch (err) {
    return new Failure(err, `${at}, in its [Symbol.asyncDispose]`);
  }
  return failure;
}

let H_JSON: PreparedHeaders | undefined;
let H_EMPTY: PreparedHeaders | undefined;

/**
 * Answers an onRequest hook's `Answer`: its status, its body as JSON (none when undefined), its
 * headers (checked as an HttpError's), and what was set through `ctx` (headers, cookies; `ctx` is
 * null when the route has no context): it is the request's answer, as the handler's would have
 * been, so the background tasks added before it start after it. An Answer that cannot be written
 * (a header refused, a body JSON cannot encode) is the app's bug: 500, logged with the route.
 * Returns the status written.
 */
export function sendAnswer(res: EngineResponse, answer: Answer, ctx: Context | null, route: string): number {
  return writeAnswer(res, answer, ctx, route, true);
}

/** `sendAnswer`; `tasks` false for an onError hook's Answer (an error's answer drops the background tasks, as rt.ts's fail does). */
function writeAnswer(res: EngineResponse, answer: Answer, ctx: Context | null, route: string, tasks: boolean): number {
  if (res.closed) return answer.status;
  try {
    const body = answer.body === undefined ? null : JSON.stringify(answer.body);
    if (body === undefined) throw new TypeError('covet: the Answer body cannot be encoded as JSON');
    const base = body === null ? EMPTY_HEADER_PAIRS : JSON_HEADER_PAIRS;
    const pairs = answer.headers !== undefined ? withHeaders(base, answer.headers, `Answer(${answer.status})`) : base;
    const prepared =
      answer.headers !== undefined
        ? prepareHeaders(pairs)
        : body === null
          ? (H_EMPTY ??= prepareHeaders(EMPTY_HEADER_PAIRS))
          : (H_JSON ??= prepareHeaders(JSON_HEADER_PAIRS));
    if (ctx === null) res.send(answer.status, prepared, body);
    else if (tasks) {
      ctx.status = answer.status;
      ctx.send(res, pairs, prepared, body);
    } else res.send(answer.status, ctx.responseHeaders(pairs, prepared), body);
    return answer.status;
  } catch (err) {
    return fail(res, err, `${route}, answering Answer(${answer.status})`);
  }
}

/**
 * Answers a failure, after the cleanups: `mapped` is what the onError hooks returned (an Answer
 * answers instead, with `ctx`'s headers as `sendAnswer`; an HttpError, without them as a
 * handler's; anything else passes), else the failure is answered as a
 * handler's (an HttpError its status, anything else 500, logged with the route and where it
 * failed). Never throws: it is the last thing an async dispatch does before its onResponse hooks.
 */
export function answerFailure(res: EngineResponse, failure: Failure, mapped: unknown, ctx: Context | null, route: string): number {
  try {
    if (mapped instanceof Answer) return writeAnswer(res, mapped, ctx, route, false);
    if (mapped instanceof HttpError) return fail(res, mapped, route);
    return fail(res, failure.error, failure.at === null ? route : `${route}, in ${failure.at}`);
  } catch (err) {
    internalError(res, err);
    return 500;
  }
}

/** An `@onResponse` hook's (sync) error: logged, nothing else (the answer is out). */
export function hookFailed(err: unknown, route: string, at: string): void {
  logError(`${route}, in ${at}`, err);
}

/** What an async `@onResponse` hook's rejection goes to: made once per route and hook when the module loads. */
export function rejectionLogger(route: string, at: string): (err: unknown) => void {
  return (err) => logError(`${route}, in ${at}`, err);
}

/** Watches an async `@onResponse` hook's result, unawaited: a rejection is logged, nothing else. */
export function watch(result: unknown, log: (err: unknown) => void): void {
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(undefined, log);
  }
}

export { Answer };

/** True when an `@onError` hook's result answers (an Answer or an HttpError); undefined, or anything else, passes to the next. */
export function maps(value: unknown): boolean {
  return value instanceof Answer || value instanceof HttpError;
}
