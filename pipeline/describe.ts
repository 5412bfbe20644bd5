/**
 * What `covet routes` and `covet openapi` print: both are read off the App IR
 * alone. Nothing here generates the server module (codegen/app and the
 * router, validator and serializer stages are not imported; test/cli.test.ts
 * checks that this module's bundle holds none of them).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileApp, type CompileResult } from '../compiler/index.ts';
import type { AppIR, RouteIR } from '../ir/ir.ts';
import { describeSecurity } from '../ir/queries.ts';
import { openApiDocument } from '../codegen/openapi/index.ts';

/** The app's IR and diagnostics, without codegen (the IR is null when there is an error). */
export function readApp(appDir: string, options: { tsconfig?: string; typecheck?: boolean } = {}): Pick<CompileResult, 'ir' | 'diagnostics'> {
  const { ir, diagnostics } = compileApp(path.resolve(appDir), options);
  return { ir, diagnostics };
}

/** The columns of `covet routes` (and the keys of `--json`): LIFECYCLE only for an app that has providers or hooks. */
export function routeColumns(ir: AppIR): { header: string[]; keys: string[] } {
  const header = ['METHOD', 'PATH', 'HANDLER', 'SOURCE', 'PARAMS', 'STATUS'];
  if (ir.routes.some((r) => r.lifecycle)) header.push('LIFECYCLE');
  if (Object.keys(ir.securitySchemes ?? {}).length) header.push('SECURITY');
  return { header, keys: header.map((h) => h.toLowerCase()) };
}

/** A short table of the app's routes for `covet routes` (columns: routeColumns). */
export function routeRows(ir: AppIR): string[][] {
  const withLifecycle = ir.routes.some((r) => r.lifecycle);
  const withSecurity = Object.keys(ir.securitySchemes ?? {}).length > 0;
  return ir.routes.map((r) => {
    const row = [r.method, r.path, r.handler.exportName, `${r.handler.file}:${r.handler.line}`, describeParams(r), String(r.status)];
    if (withLifecycle) row.push(describeLifecycle(r));
    if (withSecurity) row.push(describeSecurity(ir, r));
    return row;
  });
}

/**
 * `onRequest: requestId, signedIn · providers: currentUser, account · onResponse: timing · onError: conflict`:
 * a route's lifecycle in run order (providers: those that are not onRequest hooks, in the order
 * they resolve); `-` for a route without one.
 */
export function describeLifecycle(route: RouteIR): string {
  const l = route.lifecycle;
  if (!l) return '-';
  const hooks = new Set(l.onRequest);
  const groups: [string, string[]][] = [
    ['onRequest', l.onRequest],
    ['providers', l.providers.filter((p) => !hooks.has(p))],
    ['onResponse', l.onResponse],
    ['onError', l.onError],
  ];
  return groups.filter(([, ids]) => ids.length > 0).map(([name, ids]) => `${name}: ${ids.join(', ')}`).join(' · ');
}

/** `path: id · query: limit, offset · body` */
function describeParams(route: RouteIR): string {
  const groups = new Map<string, string[]>();
  for (const p of route.params) {
    const list = groups.get(p.kind) ?? [];
    const label = p.kind === 'body' || p.kind === 'ctx' ? p.name : p.kind === 'dep' ? `${p.name} (${p.provider})` : p.kind === 'credential' ? `${p.name} (${p.scheme})` : p.kind === 'scopes' ? p.name : p.name === p.key ? p.name : `${p.name} (${p.key})`;
    list.push(label);
    groups.set(p.kind, list);
  }
  return [...groups.entries()].map(([kind, list]) => `${kind}: ${list.join(', ')}`).join(' · ');
}

/** The app's OpenAPI document; title and version from the app's package.json when it has one. */
export function openApi(ir: AppIR, appDir: string) {
  let title = path.basename(path.resolve(appDir));
  let version = '0.0.0';
  let description: string | undefined;
  let license: string | undefined;
  const pkgFile = path.join(appDir, 'package.json');
  if (existsSync(pkgFile)) {
    try {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: string; version?: string; description?: string; license?: unknown };
      title = pkg.name ?? title;
      version = pkg.version ?? version;
      description = pkg.description;
      // An SPDX id only: `SEE LICENSE IN …` and expressions are not one license.
      if (typeof pkg.license === 'string' && /^[A-Za-z0-9.+-]+$/.test(pkg.license)) license = pkg.license;
    } catch {
      /* an unreadable package.json only loses the title */
    }
  }
  return openApiDocument(ir, { title, version, description, ...(license ? { license } : {}) });
}
