/**
 * `covet inspect`: pick one route's generated code (its dispatch function and
 * everything it calls: validators, serializers, shared constants) out of the
 * generated module, the way fast-json-stringify's debug mode returns code. It
 * walks the declarations codegen returns, each with the names it uses; it
 * never reads the generated text.
 */
import { didYouMean } from '../compiler/diagnostics.ts';
import type { AppIR, ParamIR, RouteIR } from '../ir/ir.ts';
import type { Declaration } from '../codegen/scope.ts';
import { describeSecurity } from '../ir/queries.ts';

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

/**
 * A route's providers and hooks in the order they run, each with its source and what it reads, as
 * comment lines above the route's code; empty for a route without a lifecycle.
 */
export function lifecycleComment(ir: AppIR, route: RouteIR): string {
  const security = describeSecurity(ir, route);
  const head = security === '-' ? '' : `// ${route.method} ${route.path}: security ${security} (a missing or malformed credential answers 401 before anything else runs)\n`;
  const l = route.lifecycle;
  if (!l) return head && `${head}\n`;
  const hooks = new Set(l.onRequest);
  const rows: [string, string, string][] = [];
  for (const id of l.providers) {
    const p = ir.providers[id];
    if (!p) continue;
    const what = [hooks.has(id) ? `onRequest hook${p.answers ? ' (may answer)' : ''}` : 'provider'];
    if (p.fn.async) what.push('async');
    if (p.form === 'generator') what.push('generator (cleanup after yield)');
    if (p.dispose) what.push(p.dispose === 'async' ? 'cleanup: [Symbol.asyncDispose]' : 'cleanup: [Symbol.dispose]');
    const reads = p.params.map(describeParam).join(', ');
    rows.push([id, `${p.fn.file}:${p.fn.line}`, `${what.join(', ')}${reads ? `; reads ${reads}` : ''}`]);
  }
  const hookRow = (id: string): [string, string, string] => {
    const h = ir.hooks[id];
    return [id, h ? `${h.fn.file}:${h.fn.line}` : '?', h ? `${h.scope === 'app' ? 'app' : 'module'} hook${h.fn.async ? ', async' : ''}` : ''];
  };
  const width = (i: 0 | 1): number => Math.max(...[...rows, ...l.onResponse.map(hookRow), ...l.onError.map(hookRow)].map((r) => r[i].length));
  const line = (r: [string, string, string]): string => `//   ${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2]}`.trimEnd();
  const out = [`// ${route.method} ${route.path}: its lifecycle, in run order (onRequest hooks and providers, then the handler ${route.handler.exportName})`];
  if (rows.length) out.push(...rows.map(line));
  if (l.onError.length) out.push('// on a failure, onError hooks (the first that answers gives the answer):', ...l.onError.map((id) => line(hookRow(id))));
  if (l.onResponse.length) out.push('// after the answer is written, onResponse hooks:', ...l.onResponse.map((id) => line(hookRow(id))));
  return head + out.join('\n') + '\n\n';
}

function describeParam(p: ParamIR): string {
  switch (p.kind) {
    case 'ctx':
      return 'ctx';
    case 'dep':
      return `Dep ${p.provider}`;
    case 'body':
      return 'the body';
    case 'path':
      return `:${p.key}`;
    case 'credential':
      return `credential ${p.scheme}`;
    case 'scopes':
      return 'the scopes';
    default:
      return `${p.kind} ${p.key}`;
  }
}
