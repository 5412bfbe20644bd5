/** The router stage: route table → one generated matcher function (see emit.ts), plus its reference twin. */
export { emitRouter, type RouterOptions } from './emit.ts';
export { createReferenceRouter, referenceMatch, type ReferenceRouter, type RouteMatch } from './reference.ts';
export { INVALID_ENCODING_MESSAGE, MAX_PARAM_LENGTH, MAX_WILDCARD_LENGTH, staticSegmentForms } from './policy.ts';
