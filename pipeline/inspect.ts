/**
 * `covet inspect`: pick one route's generated code (its dispatch function and
 * everything it calls: validators, serializers, shared constants) out of the
 * generated module, the way fast-json-stringify's debug mode returns code. It
 * walks the declarations codegen returns, each with the names it uses; it
 * never reads the generated text.
 */
import { didYouMean } from '../compiler/diagnostics.ts';
import type { AppIR, RouteIR } from '../ir/ir.ts';
import type { Declaration } from '../codegen/scope.ts';

/**
 * The named declarations and, when `follow`, every declaration they use,
 * transitively, in source order.
 */
export function extract(declarations: readonly Declaration[], roots: readonly string[], follow = true): string {
  const byName = new Map(declarations.map((d, order) => [d.name, { d, order }]));
  const seen = new Set<string>();
  const stack = roots.filter((r) => byName.has(r));
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (!follow) continue;
    for (const used of byName.get(name)!.d.uses) if (byName.has(used) && !seen.has(used)) stack.push(used);
  }
  return [...seen]
    .map((n) => byName.get(n)!)
    .sort((a, b) => a.order - b.order)
    .map((x) => x.d.code.text)
    .join('\n\n');
}

/** Finds a route by method and pattern, with a "did you mean" for near misses. */
export function findRoute(ir: AppIR, method: string, pattern: string): { route: RouteIR } | { error: string } {
  const m = method.toUpperCase();
  const exact = ir.routes.find((r) => r.method === m && r.path === pattern);
  if (exact) return { route: exact };
  const samePath = ir.routes.filter((r) => r.path === pattern);
  if (samePath.length) {
    return { error: `no ${m} route at ${pattern}; that path has ${samePath.map((r) => r.method).join(', ')}` };
  }
  const near = didYouMean(`${m} ${pattern}`, ir.routes.map((r) => `${r.method} ${r.path}`));
  const hint = near ? ` — did you mean ${near}?` : '';
  return { error: `no route ${m} ${pattern}${hint} (\`covet routes\` lists them)` };
}
