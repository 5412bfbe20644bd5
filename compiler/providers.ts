/**
 * Providers and a route's lifecycle: `Dep<typeof fn>` parameters are resolved to the function
 * (through imports, and through type aliases the app declares), each provider's parameters are
 * bound as a handler's are, for each route that uses it, and each route's graph is walked in the
 * order it runs (LIFECYCLE.md): the app's onRequest hooks, the module's, then the handler's Deps,
 * depth first, each provider once after everything it depends on. The graph is checked whole:
 * cycles, one body type, one type per request input, one input per parameter name, and every
 * path segment bound somewhere in it.
 */
import { ts } from 'ts-morph';
import type { DepParamIR, HandlerIR, HookIR, LifecycleIR, ParamIR, ProviderIR, SegmentIR } from '../ir/ir.ts';
import { identifierSafe, isWire, renderType, type WireParamIR } from '../ir/queries.ts';
import { COVET_API, type LoadedApp } from './project.ts';
import { bindParams, reportUnboundSegments, type Bound, type DepResolver } from './params.ts';
import { functionOf, type FoundRoute, type HandlerFunction } from './routes.ts';
import { checkErrorReturn, findHooks, hookParams, returnsAnswer, type FoundHook } from './hooks.ts';
import type { Reporter } from './source.ts';
import { didYouMean } from './diagnostics.ts';
import type { TypeReader } from './types.ts';
import type { Security } from './security.ts';

const F = ts.TypeFlags;

/** One provider function (a plain one, or an @onRequest hook). */
interface ProviderNode {
  fn: HandlerFunction;
  nameNode: ts.Node;
  exportName: string;
  /** Relative to the app folder; with `pos`, the order of ids and of hooks. */
  file: string;
  pos: number;
  hook?: FoundHook;
  /** Its parameters bound for a route, by which of its parameter names are that route's path segments. */
  bindings: Map<string, { bound: Bound; route: FoundRoute }>;
  id?: string;
}

/** An @onResponse or @onError hook. */
interface HookNode {
  found: FoundHook;
  id?: string;
}

/** A route's lifecycle before ids are given out. */
interface Graph {
  providers: ProviderNode[];
  onRequest: ProviderNode[];
  onResponse: HookNode[];
  onError: HookNode[];
}

/** A function of the graph and its bound parameters: the handler, or a provider. */
interface Part {
  /** `the handler listTodos`, `provider currentUser` (for messages). */
  what: string;
  bound: Bound;
}

export class Lifecycle {
  private readonly checker: ts.TypeChecker;
  private readonly nodes = new Map<ts.Node, ProviderNode>();
  private readonly targets = new Map<ts.ParameterDeclaration, ProviderNode | null | undefined>();
  /** DepParamIRs, given their provider's id at the end. */
  private readonly pending: [DepParamIR, ProviderNode][] = [];
  private readonly graphs = new Map<FoundRoute, Graph>();
  private readonly onRequest: ProviderNode[] = [];
  private readonly hooks: HookNode[] = [];

  constructor(
    app: LoadedApp,
    private readonly reader: TypeReader,
    private readonly reporter: Reporter,
    private readonly security?: Security,
  ) {
    this.checker = app.checker;
    const found = findHooks(app.files, reporter);
    // In file order, then position: the order hooks of one scope run in.
    for (const h of found) {
      if (h.tag === 'onRequest') this.onRequest.push(this.node(h.fn, h.nameNode, h.exportName, h));
      else this.hooks.push({ found: h });
    }
  }

  /** For bindParams: a `Dep<typeof fn>` parameter's DepParamIR (its provider's id filled in by finish()). */
  readonly resolve: DepResolver = (decl) => {
    const target = this.target(decl);
    if (target === undefined || target === null) return target;
    const p: DepParamIR = { kind: 'dep', name: (decl.name as ts.Identifier).text, provider: '' };
    this.pending.push([p, target]);
    return p;
  };

  /**
   * Walks one route's graph (its handler bound as `handler`), checks it whole, and keeps its
   * lifecycle for finish().
   */
  route(route: FoundRoute, segments: readonly SegmentIR[], handler: Bound): void {
    const pathNames = new Set(segments.flatMap((s) => (s.kind === 'static' ? [] : [s.name])));
    const order: ProviderNode[] = [];
    const done = new Set<ProviderNode>();
    const stack: ProviderNode[] = [];
    const parts: Part[] = [{ what: `the handler ${route.exportName}`, bound: handler }];

    const visit = (node: ProviderNode, chain: readonly string[]): void => {
      if (done.has(node)) return;
      const bound = this.bind(node, route, pathNames, chain.join(' → '));
      stack.push(node);
      bound.params.forEach((p, i) => {
        if (p.kind !== 'dep') return;
        const decl = bound.decls[i]!;
        const target = this.target(decl);
        if (!target) return;
        const at = stack.indexOf(target);
        if (at >= 0) {
          const cycle = [...stack.slice(at), target].map((n) => n.exportName).join(' → ');
          this.reporter.report('COVET124', 'cycle', decl, node.exportName, { chain: cycle, first: target.exportName, name: p.name, owner: node.exportName });
          return;
        }
        visit(target, [...chain, target.exportName]);
      });
      stack.pop();
      done.add(node);
      order.push(node);
      parts.push({ what: `provider ${node.exportName}`, bound });
    };

    const sameModule = (h: FoundHook): boolean => h.file === route.file;
    const onRequest = [
      ...this.onRequest.filter((n) => n.hook!.scope === 'app'),
      ...this.onRequest.filter((n) => n.hook!.scope === 'module' && sameModule(n.hook!)),
    ];
    for (const n of onRequest) visit(n, [route.exportName, n.exportName]);
    handler.params.forEach((p, i) => {
      if (p.kind !== 'dep') return;
      const target = this.target(handler.decls[i]!);
      if (target) visit(target, [route.exportName, target.exportName]);
    });
    const around = (event: FoundHook['tag']): HookNode[] => [
      ...this.hooks.filter((h) => h.found.tag === event && h.found.scope === 'module' && sameModule(h.found)),
      ...this.hooks.filter((h) => h.found.tag === event && h.found.scope === 'app'),
    ];
    this.graphs.set(route, { providers: order, onRequest, onResponse: around('onResponse'), onError: around('onError') });
    this.checkGraph(route, segments, parts);
  }

  /** The providers and hooks of the app, and each route's lifecycle (undefined when it has none). */
  finish(routes: readonly FoundRoute[]): { providers: Record<string, ProviderIR>; hooks: Record<string, HookIR>; lifecycle: (route: FoundRoute) => LifecycleIR | undefined } {
    const routeFiles = new Set(routes.map((r) => r.file));
    for (const h of [...this.onRequest.map((n) => n.hook!), ...this.hooks.map((n) => n.found)]) {
      if (h.scope === 'module' && !routeFiles.has(h.file)) this.reporter.report('COVET132', 'noRoutes', h.nameNode, h.exportName, { tag: h.tag, file: h.file });
    }
    const used = new Set<ProviderNode>();
    for (const g of this.graphs.values()) for (const n of g.providers) used.add(n);
    const named: { node: ProviderNode | HookNode; exportName: string; file: string; pos: number }[] = [
      ...[...used].map((node) => ({ node, exportName: node.exportName, file: node.file, pos: node.pos })),
      ...this.hooks.map((node) => ({ node, exportName: node.found.exportName, file: node.found.file, pos: node.found.pos })),
    ];
    named.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.pos - b.pos));
    const ids = new Set<string>();
    for (const n of named) {
      const base = identifierSafe(n.exportName);
      let id = base;
      for (let k = 2; ids.has(id); k++) id = `${base}_${k}`;
      ids.add(id);
      n.node.id = id;
    }
    for (const [p, node] of this.pending) p.provider = node.id ?? '';

    const providers: Record<string, ProviderIR> = {};
    for (const node of [...used].sort((a, b) => cmp(a.id!, b.id!))) providers[node.id!] = this.providerIR(node);
    const hooks: Record<string, HookIR> = {};
    for (const node of [...this.hooks].sort((a, b) => cmp(a.id!, b.id!))) hooks[node.id!] = this.hookIR(node);

    const lifecycle = (route: FoundRoute): LifecycleIR | undefined => {
      const g = this.graphs.get(route);
      if (!g || g.providers.length + g.onResponse.length + g.onError.length === 0) return undefined;
      return {
        providers: g.providers.map((n) => n.id!),
        onRequest: g.onRequest.map((n) => n.id!),
        onResponse: g.onResponse.map((n) => n.id!),
        onError: g.onError.map((n) => n.id!),
      };
    };
    return { providers, hooks, lifecycle };
  }

  /** Every provider and hook found (for naming the function a type error is in). */
  functions(): { fn: HandlerFunction; exportName: string }[] {
    return [...this.nodes.values(), ...this.hooks.map((h) => h.found)];
  }

  // ------------------------------------------------------------ resolving Dep<typeof fn>

  private node(fn: HandlerFunction, nameNode: ts.Node, exportName: string, hook?: FoundHook): ProviderNode {
    let n = this.nodes.get(fn);
    if (!n) {
      n = { fn, nameNode, exportName, file: this.reporter.locate(nameNode).file, pos: nameNode.getStart(), bindings: new Map() };
      this.nodes.set(fn, n);
    }
    if (hook) n.hook = hook;
    return n;
  }

  /** The provider a parameter's `Dep` names; null when it names none (reported), undefined when the parameter is no `Dep`. */
  private target(decl: ts.ParameterDeclaration): ProviderNode | null | undefined {
    if (this.targets.has(decl)) return this.targets.get(decl);
    const found = this.findTarget(decl);
    this.targets.set(decl, found);
    return found;
  }

  private findTarget(decl: ts.ParameterDeclaration): ProviderNode | null | undefined {
    const dep = depArgument(this.checker, this.reporter, decl.type);
    if (!dep) return undefined;
    const name = ts.isIdentifier(decl.name) ? decl.name.text : decl.name.getText();
    const where = functionName(decl);
    if (dep.generic !== undefined) {
      this.reporter.report('COVET123', 'generic', decl, where, { name, written: dep.written, alias: dep.generic });
      return null;
    }
    if (!dep.arg || !ts.isTypeQueryNode(dep.arg)) {
      this.reporter.report('COVET123', 'notTypeof', decl, where, { name, written: dep.written });
      return null;
    }
    const target = dep.arg.exprName.getText();
    let sym = this.checker.getSymbolAtLocation(dep.arg.exprName);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    // An overloaded function: the declaration with the body.
    const d = sym?.declarations?.find((x) => ts.isFunctionDeclaration(x) && x.body) ?? sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!sym || !d || sym.flags & ts.SymbolFlags.Alias) {
      const inScope = this.checker.getSymbolsInScope(decl, ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.Alias).map((x) => x.name);
      this.reporter.report('COVET123', 'unresolved', decl, where, { name, target, close: didYouMean(target, inScope) });
      return null;
    }
    const sf = d.getSourceFile();
    if (sf.isDeclarationFile || !this.reporter.isAppNode(d)) {
      this.reporter.report('COVET123', 'notApp', decl, where, { name, target, file: outsideName(this.reporter.relative(sf.fileName)) });
      return null;
    }
    const fn = ts.isFunctionDeclaration(d) ? d : ts.isVariableDeclaration(d) ? functionOf(d.initializer) : undefined;
    if (!fn || !fn.body) {
      this.reporter.report('COVET123', 'notFunction', decl, where, { name, target, what: describe(d) });
      return null;
    }
    const exportName = this.exportName(sf, sym);
    const nameNode: ts.Node = ts.isFunctionDeclaration(d) ? (d.name ?? d) : (d as ts.VariableDeclaration).name;
    if (exportName === undefined) {
      this.reporter.report('COVET123', 'notExported', decl, where, { name, target: nameNode.getText(), file: this.reporter.relative(sf.fileName) });
      return null;
    }
    return this.node(fn, nameNode, exportName);
  }

  /** The name a module exports a symbol under (its own name first), not `default`. */
  private exportName(sf: ts.SourceFile, sym: ts.Symbol): string | undefined {
    const mod = this.checker.getSymbolAtLocation(sf);
    if (!mod) return undefined;
    const names: string[] = [];
    for (const e of this.checker.getExportsOfModule(mod)) {
      const resolved = e.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(e) : e;
      if (resolved === sym && e.name !== 'default') names.push(e.name);
    }
    return names.includes(sym.name) ? sym.name : names[0];
  }

  // ------------------------------------------------------------ binding, per route

  /** A provider's parameters bound for one route; a parameter that is a path parameter here and not for an earlier route is COVET125. */
  private bind(node: ProviderNode, route: FoundRoute, pathNames: ReadonlySet<string>, label: string): Bound {
    const names = node.fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) && pathNames.has(p.name.text) ? [p.name.text] : []));
    const key = names.join(',');
    const cached = node.bindings.get(key);
    if (cached) return cached.bound;
    const bound = bindParams({ label, fn: node.fn }, pathNames, this.checker, this.reader, this.reporter, this.resolve, this.security);
    const first = node.bindings.values().next().value;
    node.bindings.set(key, { bound, route });
    if (first) {
      bound.params.forEach((p, i) => {
        const q = first.bound.params[i];
        if (!q || (p.kind === 'path') === (q.kind === 'path')) return;
        const [withPath, without, kind] = p.kind === 'path' ? [route, first.route, q.kind] : [first.route, route, p.kind];
        this.reporter.report(
          'COVET125',
          'pathInOne',
          bound.decls[i]!,
          node.exportName,
          { provider: node.exportName, name: p.name, withRoute: routeName(withPath), withoutRoute: routeName(without), kind },
          without.nameNode,
        );
      });
    }
    return bound;
  }

  /** The whole graph of a route: one body type, one type per input, one input per name, every segment bound. */
  private checkGraph(route: FoundRoute, segments: readonly SegmentIR[], parts: readonly Part[]): void {
    const handler = route.exportName;
    let body: { what: string; p: ParamIR & { kind: 'body' }; decl: ts.ParameterDeclaration } | undefined;
    const inputs = new Map<string, { what: string; type: string; decl: ts.ParameterDeclaration }>();
    const names = new Map<string, { what: string; input: string; id: string; decl: ts.ParameterDeclaration }>();
    const bound = new Set<string>();
    const allNames: string[] = [];
    for (const part of parts) {
      part.bound.params.forEach((p, i) => {
        const decl = part.bound.decls[i]!;
        allNames.push(p.name);
        if (!isWire(p)) return;
        if (p.kind === 'path') bound.add(p.key);
        const id = p.kind === 'body' ? 'body' : `${p.kind}:${p.key}`;
        const input = describeInput(p);
        const type = JSON.stringify(p.type);
        if (p.kind === 'body') {
          if (!body) body = { what: part.what, p, decl };
          else if ((body.p.media ?? 'json') !== (p.media ?? 'json')) {
            const [json, form] = p.media === 'form' ? [body.what, part.what] : [part.what, body.what];
            this.reporter.report('COVET138', 'twoMedia', decl, handler, { first: json, second: form }, body.decl);
          } else if (JSON.stringify(body.p.type) !== type) {
            const values = { first: body.what, firstType: renderType(body.p.type), second: part.what, secondType: renderType(p.type) };
            this.reporter.report('COVET126', 'twoBodyTypes', decl, handler, values, body.decl);
          }
        } else {
          const seen = inputs.get(id);
          if (!seen) inputs.set(id, { what: part.what, type, decl });
          else if (seen.what !== part.what && seen.type !== type) {
            const values = { input, first: seen.what, firstType: renderType(JSON.parse(seen.type)), second: part.what, secondType: renderType(p.type) };
            this.reporter.report('COVET127', 'inputTypes', decl, handler, values, seen.decl);
          }
        }
        const other = names.get(p.name);
        if (!other) names.set(p.name, { what: part.what, input, id, decl });
        else if (other.id !== id) {
          const [kind, key] = other.id === 'body' ? [p.kind, p.kind === 'body' ? p.name : p.key] : (other.id.split(/:(.*)/) as [string, string]);
          const values = { name: p.name, firstInput: other.input, first: other.what, secondInput: input, second: part.what, kind, key };
          this.reporter.report('COVET128', 'sameName', decl, handler, values, other.decl);
        }
      });
    }
    reportUnboundSegments(route, segments, bound, allNames, this.reporter);
  }

  // ------------------------------------------------------------ IR

  private providerIR(node: ProviderNode): ProviderIR {
    const fn = node.fn;
    const generator = !!fn.asteriskToken;
    const sig = this.checker.getSignatureFromDeclaration(fn);
    const ret = sig ? this.checker.getReturnTypeOfSignature(sig) : undefined;
    const awaited = ret ? (this.checker.getAwaitedType(ret) ?? ret) : undefined;
    const asyncFn = isAsync(fn);
    const async = generator ? asyncFn : asyncFn || (ret !== undefined && awaited !== ret);
    const dispose = generator || !awaited ? undefined : disposeOf(this.checker, awaited);
    const out = { id: node.id!, fn: this.handlerIR(node.nameNode, node.exportName, async), form: generator ? 'generator' : 'return' } as ProviderIR;
    if (dispose) out.dispose = dispose;
    out.params = node.bindings.values().next().value?.bound.params ?? [];
    out.answers = node.hook ? returnsAnswer(fn, this.checker) : false;
    if (!node.hook && !generator && returnsAnswer(fn, this.checker)) this.reporter.report('COVET133', 'answer', fn.type ?? node.nameNode, node.exportName, { name: node.exportName });
    return out;
  }

  private hookIR(node: HookNode): HookIR {
    const h = node.found;
    const params = hookParams(h, this.checker, this.reporter, (decl) => depArgument(this.checker, this.reporter, decl.type) !== undefined);
    if (h.tag === 'onError') checkErrorReturn(h, this.checker, this.reporter);
    const sig = this.checker.getSignatureFromDeclaration(h.fn);
    const ret = sig ? this.checker.getReturnTypeOfSignature(sig) : undefined;
    const async = isAsync(h.fn) || (ret !== undefined && (this.checker.getAwaitedType(ret) ?? ret) !== ret);
    return { id: node.id!, event: h.tag === 'onResponse' ? 'response' : 'error', scope: h.scope, fn: this.handlerIR(h.nameNode, h.exportName, async), params };
  }

  private handlerIR(nameNode: ts.Node, exportName: string, async: boolean): HandlerIR {
    const loc = this.reporter.locate(nameNode);
    return { exportName, file: loc.file, line: loc.line, column: loc.column, async };
  }
}

/**
 * The argument of a `Dep<…>` a parameter's type node names: `Dep<typeof fn>` itself, or a type
 * alias the app declares for it (`type CurrentUser = Dep<typeof currentUser>`), followed. Only
 * covet's `Dep` counts. Undefined when the type is no `Dep`.
 */
function depArgument(checker: ts.TypeChecker, reporter: Reporter, node: ts.TypeNode | undefined, seen = new Set<ts.Node>()): { arg: ts.TypeNode | undefined; written: string; generic?: string } | undefined {
  while (node && ts.isParenthesizedTypeNode(node)) node = node.type;
  if (!node || !ts.isTypeReferenceNode(node)) return undefined;
  let sym = checker.getSymbolAtLocation(node.typeName);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decl = sym?.declarations?.[0];
  if (!sym || !decl) return undefined;
  if (sym.name === 'Dep' && decl.getSourceFile().fileName === COVET_API) return { arg: node.typeArguments?.[0], written: node.getText() };
  if (ts.isTypeAliasDeclaration(decl) && reporter.isAppNode(decl) && !seen.has(decl)) {
    seen.add(decl);
    const inner = depArgument(checker, reporter, decl.type, seen);
    // A generic alias (`type D<F> = Dep<F>`) would need its arguments substituted: refused, with a fix.
    if (inner && decl.typeParameters) return { arg: undefined, written: node.getText(), generic: decl.name.text };
    return inner;
  }
  return undefined;
}

/** `[Symbol.asyncDispose]` or `[Symbol.dispose]` on every value the type allows (null and undefined aside). */
function disposeOf(checker: ts.TypeChecker, t: ts.Type): 'async' | 'sync' | undefined {
  const members = (t.flags & F.Union ? (t as ts.UnionType).types : [t]).filter((m) => !(m.flags & (F.Undefined | F.Null | F.Void | F.Never)));
  if (members.length === 0) return undefined;
  const has = (name: string): boolean =>
    members.every((m) => checker.getPropertiesOfType(m).some((p) => (p.escapedName as string).startsWith(`__@${name}@`) || p.name === `[Symbol.${name}]`));
  return has('asyncDispose') ? 'async' : has('dispose') ? 'sync' : undefined;
}

function isAsync(fn: HandlerFunction): boolean {
  return (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

/** The name of the function a parameter belongs to (for messages). */
function functionName(decl: ts.ParameterDeclaration): string {
  const fn = decl.parent;
  if (ts.isFunctionDeclaration(fn) && fn.name) return fn.name.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return '(anonymous)';
}

function describe(d: ts.Declaration): string {
  if (ts.isClassDeclaration(d)) return 'a class';
  if (ts.isVariableDeclaration(d)) return d.initializer ? 'a variable that holds no function expression' : 'a variable without a value';
  if (ts.isFunctionDeclaration(d)) return 'a function without a body (an overload or a declaration)';
  if (ts.isEnumDeclaration(d)) return 'an enum';
  if (ts.isModuleDeclaration(d)) return 'a namespace';
  if (ts.isParameter(d)) return 'a parameter';
  return 'not a function declaration';
}

function describeInput(p: WireParamIR): string {
  switch (p.kind) {
    case 'path':
      return `the path parameter :${p.key}`;
    case 'body':
      return 'the request body';
    default:
      return `the ${p.kind} ${JSON.stringify(p.key)}`;
  }
}

/** A file outside the app, as its package names it (`@types/node/crypto.d.ts`), not as a path that depends on where the app is. */
function outsideName(rel: string): string {
  const at = rel.lastIndexOf('node_modules/');
  return at >= 0 ? rel.slice(at + 'node_modules/'.length) : rel;
}

function routeName(r: FoundRoute): string {
  return `${r.method} ${r.path} (${r.exportName})`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
