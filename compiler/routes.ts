/**
 * Finding handlers: exported functions (declarations, and `export const f =`
 * arrow functions or function expressions) whose JSDoc has a `@route METHOD
 * /path` tag, with the rest of their JSDoc (`@status`, `@summary`, `@tag`,
 * `@deprecated`, `@throws`, the description).
 */
import { STATUS_CODES } from 'node:http';

import { SCOPE_TOKEN } from './security.ts';
import { Node, ts, type JSDoc, type JSDocTag, type SourceFile } from 'ts-morph';
import { HTTP_METHODS, type HttpMethod, type ThrowsIR } from '../ir/ir.ts';
import { didYouMean } from './diagnostics.ts';
import type { Reporter } from './source.ts';

export type HandlerFunction = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

export interface FoundRoute {
  /** The name the module exports the handler under. */
  exportName: string;
  fn: HandlerFunction;
  /** Where the handler "is": its name. */
  nameNode: ts.Node;
  file: string;
  method: HttpMethod;
  path: string;
  /** Absolute position of the path text in the file (for pointing at pattern errors). */
  pathPos: number;
  tag: ts.Node;
  status?: number;
  summary?: string;
  description?: string;
  tags: string[];
  deprecated: boolean;
  throws: ThrowsIR[];
  /** `@scopes a b`: each scope with its tag, in source order, deduplicated. */
  scopes: { scope: string; node: ts.Node }[];
  /** The first `@scopes` tag. */
  scopesTag?: ts.Node;
}

/**
 * A function (or something else) with JSDoc at the top level of a module: `fn` is undefined for
 * what is not a function (a variable of another value, a class method); `exportName()` is the name
 * the module exports it under, undefined when it does not (asked only when needed: it reads the module's exports).
 */
export type Documented = (docs: JSDoc[], fn: HandlerFunction | undefined, nameNode: ts.Node, what: string, exportName: () => string | undefined) => void;

/** Calls `visit` for each top-level function, variable and class method of a module, in order (finding `@route`s and hooks). */
export function forEachDocumented(sf: SourceFile, visit: Documented): void {
  let exported: Map<ts.Node, string> | undefined;
  const exportNameOf = (node: ts.Node): string | undefined => {
    if (!exported) {
      exported = new Map();
      for (const [name, decls] of sf.getExportedDeclarations()) {
        for (const d of decls) if (d.getSourceFile() === sf && !exported.has(d.compilerNode)) exported.set(d.compilerNode, name);
      }
    }
    return exported.get(node);
  };
  const consider = (docs: JSDoc[], fn: HandlerFunction | undefined, declNode: ts.Node, nameNode: ts.Node, what: string): void => {
    if (!docs.some((d) => d.getTags().length > 0)) return;
    visit(docs, fn, nameNode, what, () => exportNameOf(declNode));
  };
  for (const stmt of sf.getStatements()) {
    if (Node.isFunctionDeclaration(stmt)) {
      const nameNode = stmt.getNameNode();
      consider(stmt.getJsDocs(), stmt.compilerNode, stmt.compilerNode, nameNode?.compilerNode ?? stmt.compilerNode, 'a function');
    } else if (Node.isVariableStatement(stmt)) {
      const docs = stmt.getJsDocs();
      for (const decl of stmt.getDeclarations()) {
        const fn = functionOf(decl.getInitializer()?.compilerNode);
        consider(docs, fn, decl.compilerNode, decl.getNameNode().compilerNode, `the variable ${decl.getName()}`);
      }
    } else if (Node.isClassDeclaration(stmt)) {
      for (const m of stmt.getMethods()) {
        consider(m.getJsDocs(), undefined, m.compilerNode, m.getNameNode().compilerNode, `the class method ${stmt.getName() ?? ''}.${m.getName()}`);
      }
    }
  }
}

/** The arrow function or function expression a variable is initialized with (through parentheses, `as`, `satisfies`). */
export function functionOf(init: ts.Expression | undefined): ts.ArrowFunction | ts.FunctionExpression | undefined {
  while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
  return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
}

/** All `@route` handlers of the app's files, in file order, then position. */
export function findRoutes(files: readonly SourceFile[], reporter: Reporter): FoundRoute[] {
  const out: FoundRoute[] = [];
  for (const sf of files) {
    forEachDocumented(sf, (docs, fn, nameNode, what, exportNameOf) => {
      const routeTags = docs.flatMap((d) => d.getTags()).filter((t) => t.getTagName() === 'route');
      if (routeTags.length === 0) return;
      const name = nameNode.getText();
      if (!fn) {
        reporter.report('COVET113', 'notFunction', nameNode, name, { what });
        return;
      }
      const exportName = exportNameOf();
      if (exportName === undefined) {
        reporter.report('COVET109', 'notExported', nameNode, name, { name });
        return;
      }
      if (exportName === 'default') {
        reporter.report('COVET109', 'defaultExport', nameNode, name, { name });
        return;
      }
      for (const tag of routeTags) {
        const r = readRoute(docs, tag, fn, nameNode, exportName, reporter);
        if (r) out.push(r);
      }
    });
  }
  return out;
}

function tagText(tag: JSDocTag): string {
  return (tag.getCommentText() ?? '').trim();
}

function readRoute(
  docs: JSDoc[],
  routeTag: JSDocTag,
  fn: HandlerFunction,
  nameNode: ts.Node,
  exportName: string,
  reporter: Reporter,
): FoundRoute | undefined {
  const text = tagText(routeTag);
  const parts = text.split(/\s+/).filter(Boolean);
  const tagNode = routeTag.compilerNode;
  if (parts.length < 2) {
    reporter.report('COVET112', 'routeNoPath', tagNode, exportName, { text });
    return undefined;
  }
  if (parts.length > 2) {
    reporter.report('COVET112', 'routeExtra', tagNode, exportName, { text });
    return undefined;
  }
  const [rawMethod, path] = parts as [string, string];
  const method = rawMethod.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    const close = didYouMean(method, HTTP_METHODS);
    reporter.report('COVET108', 'unknownMethod', tagNode, exportName, { method: rawMethod, close, methods: HTTP_METHODS });
    return undefined;
  }
  const full = routeTag.getText();
  const pathPos = routeTag.getStart() + Math.max(0, full.indexOf(path, full.indexOf(rawMethod) + rawMethod.length));

  const r: FoundRoute = {
    exportName,
    fn,
    nameNode,
    file: reporter.locate(nameNode).file,
    method: method as HttpMethod,
    path,
    pathPos,
    tag: tagNode,
    tags: [],
    deprecated: false,
    throws: [],
    scopes: [],
  };
  const doc = docs.find((d) => d.getTags().includes(routeTag)) ?? docs[docs.length - 1]!;
  const description = doc.getDescription().trim();
  if (description) r.description = description;
  for (const t of doc.getTags()) {
    const name = t.getTagName();
    const value = tagText(t);
    if (name === 'status') {
      const n = Number(value);
      if (!/^\d{3}$/.test(value) || n < 100 || n > 599) {
        reporter.report('COVET112', 'status', t.compilerNode, exportName, { text: value });
      } else r.status = n;
    } else if (name === 'summary') {
      if (value) r.summary = value;
    } else if (name === 'tag' || name === 'tags') {
      for (const one of value.split(/[,\s]+/)) if (one) r.tags.push(one);
    } else if (name === 'deprecated') {
      r.deprecated = true;
    } else if (name === 'throws') {
      readThrows(t, value, r, exportName, reporter);
    } else if (name === 'scopes' || name === 'scope') {
      readScopes(t, value, r, exportName, reporter);
    }
  }
  return r;
}

/** `@scopes todos:read todos:write`: the scopes the route requires (COVET139 when malformed). */
function readScopes(tag: JSDocTag, value: string, r: FoundRoute, exportName: string, reporter: Reporter): void {
  r.scopesTag ??= tag.compilerNode;
  const words = value.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) reporter.report('COVET139', 'empty', tag.compilerNode, exportName, { tag: tag.getTagName() });
  for (const scope of words) {
    if (!SCOPE_TOKEN.test(scope)) reporter.report('COVET139', 'badScope', tag.compilerNode, exportName, { scope });
    else if (!r.scopes.some((s) => s.scope === scope)) r.scopes.push({ scope, node: tag.compilerNode });
  }
}

/**
 * `@throws 404 the todo does not exist`: an error answer to document. TypeScript's own form puts a
 * type first (`@throws {HttpError} 404 …`); the type is allowed and ignored, the status is required.
 */
function readThrows(tag: JSDocTag, value: string, r: FoundRoute, exportName: string, reporter: Reporter): void {
  const m = /^(\d+)(?:\s+([^]*))?$/.exec(value);
  const status = m ? Number(m[1]) : NaN;
  if (!m || !/^\d{3}$/.test(m[1]!) || status < 400 || status > 599) {
    reporter.report('COVET112', 'throws', tag.compilerNode, exportName, { text: value });
    return;
  }
  if (r.throws.some((e) => e.status === status)) {
    reporter.report('COVET112', 'throwsTwice', tag.compilerNode, exportName, { status });
    return;
  }
  const description = (m[2] ?? '').replace(/\s+/g, ' ').trim() || (STATUS_CODES[status] ?? `Error ${status}`);
  r.throws.push({ status, description });
}
