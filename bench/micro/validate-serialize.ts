/**
 * Micro-benchmark: Covet's generated serializers and validators against
 * fast-json-stringify, JSON.stringify and ajv, on the same data, in one run,
 * reported as ratios.
 *
 *   node --import tsx bench/micro/validate-serialize.ts            # from the repo root
 *   node --import tsx bench/micro/validate-serialize.ts --quick    # fewer, shorter rounds
 *   node --import tsx bench/micro/validate-serialize.ts --hand     # hand-built IR instead of fixtures/todo-app
 *
 * Types: those of fixtures/todo-app compiled by compiler/index.ts (User,
 * NewUser, Todo, NewTodo, Page<Todo>); if that does not compile, the
 * hand-built IR of ./todo-types.ts (the same shapes, as the issue lists them).
 * Data: deterministic (seeded) realistic values from ./data.ts; each row uses
 * the same array of values for every contender.
 *
 * - serializers: the generated `serialize_<Type>` vs fast-json-stringify
 *   compiled from the JSON Schema of the same type vs JSON.stringify. Before
 *   timing, every output is checked to be byte-equal to JSON.stringify.
 * - validators: the generated body validator (`validate_<route>_body(v, errs)`,
 *   which also builds the stripped, coerced copy) vs ajv compiled from the
 *   JSON Schema of the same type, with allErrors false and true, on valid
 *   values (parsed JSON) and on spoiled ones (each checked invalid by ajv and
 *   by Covet before timing).
 *
 * Method: each contender is warmed up, then the contenders of a row take turns
 * for several rounds of a fixed time each; the figure is the median ops/s.
 * Results go to stdout only.
 */

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AppIR, BodyParamIR, TypeIR } from '../../ir/ir.ts';
import { NameTable } from '../../codegen/code.ts';
import { SerializerGen } from '../../codegen/serialize/index.ts';
import { Sampler, rng, spoil } from './data.ts';
import { benchSchema } from './schema.ts';
import { todoTypes } from './todo-types.ts';

const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const ROUNDS = QUICK ? 3 : 7;
const ROUND_MS = QUICK ? 80 : 200;
const WARMUP_MS = QUICK ? 100 : 300;

type Types = AppIR['types'];
type Fn = (v: unknown) => unknown;

// ── the types ───────────────────────────────────────────────────────────────

async function loadTypes(): Promise<{ types: Types; source: string }> {
  if (!args.has('--hand')) {
    try {
      const { compileApp } = (await import('../../compiler/index.ts')) as { compileApp: (dir: string) => { ir: AppIR | null; diagnostics: unknown[] } };
      const { ir, diagnostics } = compileApp(fileURLToPath(new URL('../../fixtures/todo-app', import.meta.url)));
      if (ir) return { types: ir.types, source: 'fixtures/todo-app, compiled by compiler/index.ts' };
      console.log(`note: fixtures/todo-app did not compile (${diagnostics.length} diagnostics); using the hand-built IR`);
    } catch (e) {
      console.log(`note: compiler/index.ts unavailable (${(e as Error).message.split('\n')[0]}); using the hand-built IR`);
    }
  }
  return { types: todoTypes, source: 'hand-built IR (bench/micro/todo-types.ts)' };
}

async function loadSchema(): Promise<{ schema: (t: TypeIR, types: Types) => Record<string, unknown>; draft2020: boolean; source: string }> {
  try {
    const mod = (await import('../../codegen/schema/index.ts')) as { jsonSchema: (t: TypeIR, types: Types) => Record<string, unknown> };
    return { schema: mod.jsonSchema, draft2020: true, source: 'codegen/schema jsonSchema (draft 2020-12)' };
  } catch {
    return { schema: benchSchema, draft2020: false, source: 'bench/micro/schema.ts (draft-07)' };
  }
}

interface ValidatorModule {
  ValidatorGen: new (types: Types, names: NameTable) => { body(param: BodyParamIR, routeId: string): { text: string }; code(): { text: string } };
}

async function loadValidatorGen(): Promise<ValidatorModule['ValidatorGen'] | string> {
  try {
    return ((await import('../../codegen/validate/index.ts')) as ValidatorModule).ValidatorGen;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

/** Load generated source the way a test does (the server bundles it as a module instead). */
function load(source: string, name: string): Fn {
  return new Function(`'use strict';\n${source}\nreturn ${name};`)() as Fn;
}

// ── timing ──────────────────────────────────────────────────────────────────

let sink = 0;

/** Calls `fn` over `data` (cycling) for about `ms`; returns ops/s. */
function timed(fn: Fn, data: readonly unknown[], ms: number): number {
  const n = data.length;
  let calls = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(ms * 1e6));
  let elapsed = 0n;
  do {
    for (let i = 0; i < n; i++) {
      const r = fn(data[i]);
      sink += typeof r === 'string' ? r.length : r ? 1 : 0;
    }
    calls += n;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return calls / (Number(elapsed) / 1e9);
}

/** Warm every contender up, then interleave them round by round; median ops/s per contender. */
function race(contenders: Record<string, Fn>, data: readonly unknown[]): Record<string, number> {
  for (const fn of Object.values(contenders)) timed(fn, data, WARMUP_MS);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(contenders)) samples[k]!.push(timed(fn, data, ROUND_MS));
  return Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return [k, sorted[Math.floor(sorted.length / 2)]!];
    }),
  );
}

// ── output ──────────────────────────────────────────────────────────────────

const fmtOps = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
const fmtRatio = (x: number) => `${x.toFixed(2)}×`;

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

// ── main ────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const { types, source } = await loadTypes();
  const schemaLib = await loadSchema();
  const fastJson = require('fast-json-stringify') as (schema: unknown) => (v: unknown) => string;
  const AjvClass = (schemaLib.draft2020 ? require('ajv/dist/2020') : require('ajv')).default as new (opts: object) => {
    compile(schema: unknown): ((v: unknown) => boolean) & { errors?: unknown[] | null };
  };
  const addFormats = require('ajv-formats').default as (ajv: unknown) => void;

  console.log(`covet micro-benchmark: validators and serializers — node ${process.version}, ${ROUNDS} rounds × ${ROUND_MS} ms, median`);
  console.log(`types: ${source}`);
  console.log(`JSON Schema for ajv / fast-json-stringify: ${schemaLib.source}\n`);

  const sampler = new Sampler(types, 7);
  const ref = (name: string): TypeIR => ({ kind: 'ref', name });
  const many = (type: TypeIR, n: number) => Array.from({ length: n }, () => sampler.value(type));

  // Serializers ------------------------------------------------------------
  const serRows: string[][] = [];
  const serCases: [string, string, number][] = [
    ['User', 'User', 256],
    ['Todo', 'Todo', 256],
    ['Page<Todo>', 'Page_Todo', 16],
  ];
  for (const [label, typeName, count] of serCases) {
    if (!types[typeName]) continue;
    const gen = new SerializerGen(types, new NameTable());
    const name = gen.forType(ref(typeName), `${typeName}_response`);
    const covet = load(gen.code().text, name.text);
    const fjs = fastJson(schemaLib.schema(ref(typeName), types));
    const data = many(ref(typeName), count);
    let fjsSame = true;
    for (const v of data) {
      if (covet(v) !== JSON.stringify(v)) throw new Error(`covet serializer output differs from JSON.stringify for ${label}: ${JSON.stringify(v)}`);
      if (fjs(v) !== JSON.stringify(v)) fjsSame = false;
    }
    const bytes = data.reduce((n: number, v) => n + JSON.stringify(v).length, 0) / data.length;
    const r = race({ covet, fjs, json: (v) => JSON.stringify(v) }, data);
    serRows.push([label, `${Math.round(bytes)} B${fjsSame ? '' : ' *'}`, fmtOps(r.covet!), fmtOps(r.fjs!), fmtOps(r.json!), fmtRatio(r.covet! / r.fjs!), fmtRatio(r.covet! / r.json!)]);
  }
  console.log('serializers (ops/s; ratio > 1: Covet is faster)');
  table(['type', 'avg JSON', 'covet', 'fast-json-stringify', 'JSON.stringify', 'covet/fjs', 'covet/JSON'], serRows);
  if (serRows.some((r) => r[1]!.endsWith('*'))) console.log('* fast-json-stringify output is not byte-equal to JSON.stringify on some values (it writes required properties before optional ones)');
  console.log();

  // Validators -------------------------------------------------------------
  const ValidatorGen = await loadValidatorGen();
  if (typeof ValidatorGen === 'string') {
    console.log(`validators: skipped — codegen/validate/index.ts is not available (${ValidatorGen})`);
    return;
  }
  const valCases: [string, string, number][] = [
    ['NewUser', 'NewUser', 256],
    ['NewTodo', 'NewTodo', 256],
    ['Todo', 'Todo', 256],
    ['Page<Todo>', 'Page_Todo', 16],
  ];
  const valRows: string[][] = [];
  const spoilRng = rng(99);
  for (const [label, typeName, count] of valCases) {
    if (!types[typeName]) continue;
    const gen = new ValidatorGen(types, new NameTable());
    const name = gen.body({ kind: 'body', name: 'body', type: ref(typeName), required: true }, 'bench');
    const validate = load(gen.code().text, name.text) as (v: unknown, errs: unknown[]) => unknown;
    const covet: Fn = (v) => {
      const errs: unknown[] = [];
      validate(v, errs);
      return errs.length === 0;
    };
    const schema = schemaLib.schema(ref(typeName), types);
    const ajvFirst = new AjvClass({ allErrors: false, strict: false });
    addFormats(ajvFirst);
    const ajvAll = new AjvClass({ allErrors: true, strict: false });
    addFormats(ajvAll);
    const first = ajvFirst.compile(schema);
    const all = ajvAll.compile(schema);

    // Request bodies are parsed JSON: dates are strings here.
    const valid = many(ref(typeName), count).map((v) => JSON.parse(JSON.stringify(v)));
    for (const v of valid) {
      if (!first(v)) throw new Error(`sample ${label} is invalid for ajv: ${JSON.stringify(first.errors)} ${JSON.stringify(v)}`);
      if (!covet(v)) throw new Error(`sample ${label} is invalid for covet: ${JSON.stringify(v)}`);
    }
    const invalid: unknown[] = [];
    let disagree = 0;
    for (let i = 0; invalid.length < valid.length && i < valid.length * 20; i++) {
      const bad = spoil(valid[i % valid.length], spoilRng);
      if (first(bad)) continue;
      if (covet(bad)) disagree++;
      else invalid.push(bad);
    }
    const contenders = { covet, ajv: (v: unknown) => first(v), ajvAll: (v: unknown) => all(v) };
    for (const [kind, data] of [['valid', valid], ['invalid', invalid]] as const) {
      const r = race(contenders, data);
      valRows.push([label, kind, fmtOps(r.covet!), fmtOps(r.ajv!), fmtOps(r.ajvAll!), fmtRatio(r.covet! / r.ajv!), fmtRatio(r.covet! / r.ajvAll!)]);
    }
    if (disagree) console.log(`note: ${disagree} spoiled ${label} values that ajv rejects were accepted by Covet (left out of the data)`);
  }
  console.log('validators (ops/s; ratio > 1: Covet is faster; Covet also builds the stripped, coerced copy)');
  table(['type', 'data', 'covet', 'ajv', 'ajv allErrors', 'covet/ajv', 'covet/ajv(all)'], valRows);
  if (sink === 42) console.log(''); // keeps results observable
}

await main();
