/**
 * Finding hooks: exported functions whose JSDoc has `@onRequest`, `@onResponse` or `@onError`,
 * each with an optional scope word (`app`: every route; none, or `module`: the routes of the
 * module it is declared in). An onRequest hook is a provider (providers.ts binds it); the other
 * two get their parameters read here: `Ctx`, `ResponseInfo` (onResponse), the failure (onError).
 */
import { ts, type SourceFile } from 'ts-morph';
import type { HookParamIR } from '../ir/ir.ts';
import { didYouMean } from './diagnostics.ts';
import { isCovetType } from './params.ts';
import { forEachDocumented, type HandlerFunction } from './routes.ts';
import type { Reporter } from './source.ts';

const F = ts.TypeFlags;
export const HOOK_TAGS = ['onRequest', 'onResponse', 'onError'] as const;
export type HookTag = (typeof HOOK_TAGS)[number];
const SCOPES = ['app', 'module'];

export interface FoundHook {
  tag: HookTag;
  scope: 'app' | 'module';
  exportName: string;
  fn: HandlerFunction;
  nameNode: ts.Node;
  /** Relative to the app folder. */
  file: string;
  /** The index of its module among the app's files, then its position: the order hooks of one scope run in. */
  fileIndex: number;
  pos: number;
}

/** All hooks of the app's files, in file order, then position. */
export function findHooks(files: readonly SourceFile[], reporter: Reporter): FoundHook[] {
  const out: FoundHook[] = [];
  files.forEach((sf, fileIndex) => {
    forEachDocumented(sf, (docs, fn, nameNode, what, exportNameOf) => {
      const tags = docs.flatMap((d) => d.getTags());
      // A misspelled hook tag would leave a guard out without a word: close names are errors.
      for (const t of tags) {
        const tagName = t.getTagName();
        if ((HOOK_TAGS as readonly string[]).includes(tagName)) continue;
        const close = didYouMean(tagName, HOOK_TAGS);
        if (close) reporter.report('COVET129', 'misspelled', t.compilerNode, nameNode.getText(), { tag: tagName, close });
      }
      const hookTags = tags.filter((t) => (HOOK_TAGS as readonly string[]).includes(t.getTagName()));
      if (hookTags.length === 0) return;
      const first = hookTags[0]!;
      const tag = first.getTagName() as HookTag;
      const name = nameNode.getText();
      if (!fn) {
        reporter.report('COVET129', 'notFunction', nameNode, name, { tag, what });
        return;
      }
      if (hookTags.length > 1) {
        reporter.report('COVET129', 'twoTags', hookTags[1]!.compilerNode, name, { first: tag, second: hookTags[1]!.getTagName() });
        return;
      }
      if (tags.some((t) => t.getTagName() === 'route')) {
        reporter.report('COVET129', 'withRoute', first.compilerNode, name, { tag });
        return;
      }
      const exportName = exportNameOf();
      if (exportName === undefined) {
        reporter.report('COVET129', 'notExported', nameNode, name, { tag, name });
        return;
      }
      if (exportName === 'default') {
        reporter.report('COVET129', 'defaultExport', nameNode, name, { tag });
        return;
      }
      const word = (first.getCommentText() ?? '').trim();
      if (word !== '' && !SCOPES.includes(word)) {
        reporter.report('COVET129', 'scope', first.compilerNode, exportName, { tag, word, close: didYouMean(word, SCOPES) });
        return;
      }
      out.push({
        tag,
        scope: word === 'app' ? 'app' : 'module',
        exportName,
        fn,
        nameNode,
        file: reporter.locate(nameNode).file,
        fileIndex,
        pos: nameNode.getStart(),
      });
    });
  });
  return out;
}

/** The parameters of an @onResponse or @onError hook; reports the ones that are none of those the event passes. */
export function hookParams(hook: FoundHook, checker: ts.TypeChecker, reporter: Reporter, isDep: (decl: ts.ParameterDeclaration) => boolean): HookParamIR[] {
  const out: HookParamIR[] = [];
  let failure: string | undefined;
  hook.fn.parameters.forEach((decl, index) => {
    if (!ts.isIdentifier(decl.name)) {
      reporter.report('COVET130', 'destructured', decl, hook.exportName, { index: index + 1 });
      return;
    }
    const name = decl.name.text;
    if (decl.dotDotDotToken) {
      reporter.report('COVET130', 'rest', decl, hook.exportName, { name });
      return;
    }
    if (isDep(decl)) {
      reporter.report('COVET130', 'dep', decl, hook.exportName, { name, tag: hook.tag });
      return;
    }
    const type = checker.getTypeAtLocation(decl);
    if (isCovetType(type, 'Ctx')) {
      out.push({ kind: 'ctx', name });
    } else if (isCovetType(type, 'ResponseInfo')) {
      if (hook.tag === 'onResponse') out.push({ kind: 'info', name });
      else reporter.report('COVET130', 'infoOnError', decl, hook.exportName, { name });
    } else if (hook.tag === 'onResponse') {
      reporter.report('COVET130', 'response', decl, hook.exportName, { name, type: checker.typeToString(type) });
    } else if (failure !== undefined) {
      reporter.report('COVET130', 'errorTwo', decl, hook.exportName, { name, other: failure });
    } else {
      failure = name;
      out.push({ kind: 'error', name });
    }
  });
  return out;
}

/** An @onError hook returns `Answer | HttpError | undefined | void` (or a Promise of it); reports another return type. */
export function checkErrorReturn(hook: FoundHook, checker: ts.TypeChecker, reporter: Reporter): void {
  const sig = checker.getSignatureFromDeclaration(hook.fn);
  if (!sig) return;
  const ret = checker.getReturnTypeOfSignature(sig);
  const awaited = checker.getAwaitedType(ret) ?? ret;
  const members = awaited.flags & F.Union ? (awaited as ts.UnionType).types : [awaited];
  const ok = members.every((m) => m.flags & (F.Undefined | F.Void | F.Never) || isCovetType(m, 'Answer') || isCovetType(m, 'HttpError'));
  if (!ok) reporter.report('COVET131', 'returns', hook.fn.type ?? hook.nameNode, hook.exportName, { type: checker.typeToString(awaited) });
}

/** The declared (or inferred) return type includes covet's `Answer`: an onRequest hook that may answer early. */
export function returnsAnswer(fn: HandlerFunction, checker: ts.TypeChecker): boolean {
  const sig = checker.getSignatureFromDeclaration(fn);
  if (!sig) return false;
  const ret = checker.getReturnTypeOfSignature(sig);
  const awaited = checker.getAwaitedType(ret) ?? ret;
  const members = awaited.flags & F.Union ? (awaited as ts.UnionType).types : [awaited];
  return members.some((m) => isCovetType(m, 'Answer'));
}
