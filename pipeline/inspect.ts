/**
 * `covet inspect`: pick one route's generated code (its dispatch function and
 * everything it calls: validators, serializers, shared constants) out of the
 * generated module, the way fast-json-stringify's debug mode returns code.
 */
import { didYouMean } from '../compiler/diagnostics.ts';
import type { AppIR, RouteIR } from '../ir/ir.ts';

interface Chunk {
  name: string;
  text: string;
  order: number;
}

const DECL = /^(?:async\s+)?(?:function\*?\s+([A-Za-z_$][\w$]*)|(?:const|let|var)\s+([A-Za-z_$][\w$]*))/;

/** Splits generated source into its top-level declarations (each with the comments just above it). */
export function topLevelChunks(source: string): Map<string, Chunk> {
  const chunks = new Map<string, Chunk>();
  const lines = source.split('\n');
  let pendingComments: string[] = [];
  let current: { name: string; lines: string[] } | null = null;
  const close = () => {
    if (current) chunks.set(current.name, { name: current.name, text: current.lines.join('\n').trimEnd(), order: chunks.size });
    current = null;
  };
  let inBlock = false;
  for (const line of lines) {
    if (inBlock || line.startsWith('/*')) {
      // A block comment at column 0 documents the declaration below it.
      if (!inBlock) close();
      pendingComments.push(line);
      inBlock = !line.includes('*/');
      continue;
    }
    const m = DECL.exec(line);
    if (m) {
      close();
      current = { name: (m[1] ?? m[2])!, lines: [...pendingComments, line] };
      pendingComments = [];
    } else if (line.startsWith('//') && !line.startsWith('// ----')) {
      // Bodies are indented, so a comment at column 0 sits between declarations.
      close();
      pendingComments.push(line);
    } else if (line.startsWith('import ') || line.startsWith('// ----')) {
      close();
      pendingComments = [];
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() === '' && pendingComments.length && !pendingComments[pendingComments.length - 1]!.includes('*/')) {
      pendingComments = [];
    }
  }
  close();
  return chunks;
}

/** The named declarations and, transitively, every top-level declaration they reference, in source order. */
export function extractRoute(source: string, roots: readonly string[]): string {
  const chunks = topLevelChunks(source);
  const seen = new Set<string>();
  const stack = roots.filter((r) => chunks.has(r));
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const text = chunks.get(name)!.text;
    for (const id of text.match(/[A-Za-z_$][\w$]*/g) ?? []) if (chunks.has(id) && !seen.has(id)) stack.push(id);
  }
  return [...seen]
    .map((n) => chunks.get(n)!)
    .sort((a, b) => a.order - b.order)
    .map((c) => c.text)
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
