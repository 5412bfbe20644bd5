import type { Ctx, Header, Query } from 'covet';

/** A provider named like the generated module's runtime namespace. */
export function __covet_rt(ctx: Ctx): string {
  return ctx.method;
}

/** A default export as a provider, its parameters named like the dispatch's own locals. */
export default function (failure: Header<string, 'x-failure'>, at?: Query<string>): string {
  return `${failure}/${at ?? '-'}`;
}
