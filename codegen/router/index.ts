/**
 * The router stage: route table → one generated matcher function (see emit.ts).
 * Its reference twin, the shared cases and the harness are test support, in testing/.
 */
export { emitRouter, type RouterOptions } from './emit.ts';
export { INVALID_ENCODING_MESSAGE, MAX_PARAM_LENGTH, MAX_WILDCARD_LENGTH, staticSegmentForms } from './policy.ts';
