/** Test helper: compile a throwaway app written inline. */

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileApp, formatDiagnostic, type CompileOptions, type CompileResult } from '../index.ts';
import type { AppIR, RouteIR } from '../../ir/ir.ts';

export function compileFiles(files: Record<string, string>, options: CompileOptions = {}): CompileResult {
  const dir = mkdtempSync(join(tmpdir(), 'covet-test-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return compileApp(dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles and insists on success. */
export function compileOk(source: string): AppIR {
  const r = compileFiles({ 'app.ts': source });
  if (!r.ir) throw new Error(`expected to compile:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return r.ir;
}

/** Compiles and returns the formatted diagnostics (expects failure). */
export function compileErrors(source: string): string[] {
  const r = compileFiles({ 'app.ts': source });
  if (r.ir) throw new Error('expected compile errors');
  return r.diagnostics.map(formatDiagnostic);
}

export function route(ir: AppIR, id: string): RouteIR {
  const r = ir.routes.find((x) => x.id === id);
  if (!r) throw new Error(`no route ${id}`);
  return r;
}
