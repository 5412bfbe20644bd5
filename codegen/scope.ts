/**
 * The one scope of a generated module: every generator asks it for runtime
 * helpers, module constants and shareable functions, each keyed by what it is,
 * so that each is emitted once however many places use it (ajv's ValueScope).
 * Names come from the module's NameTable: helpers under the reserved prefix,
 * constants named after their first user, shared functions after what they
 * are (`validate_path_id`, `reply_200_Todo`) and a function only one place
 * uses after that place (`validate_listTodos_done`).
 *
 * A function's name is in its callers' text as soon as it is made, before
 * its later users are known; so a module is generated twice: the first pass
 * surveys how many users each shared thing gets (`survey()`), the second,
 * given that survey, names each one knowing it (see codegen/app/index.ts).
 */
import type { TypeIR } from '../ir/ir.ts';
import { NameTable, type Code, Name, raw } from './code.ts';

/** A runtime helper: constant source text written in this repository, declaring `name` (and `declares`). */
export interface Helper {
  name: string;
  source: string;
  /** Helpers the source calls (emitted before it). */
  deps?: readonly Helper[];
  /** Other top-level names the source declares. */
  declares?: readonly string[];
}

/**
 * `Object.prototype.hasOwnProperty`, taken once at load: how validators and
 * serializers read a property whose name a plain object inherits (`__proto__`,
 * `constructor`, `toString` …) — only when it is own. Taken at load, a later
 * change to `Object.hasOwn` or the prototype by app code cannot reach it; and
 * `hasOwnProperty.call` with a constant key is what V8 optimises best: a
 * guarded read `own ? v.constructor : undefined` costs about 94 instructions
 * with it and 121 with `Object.hasOwn` (callgrind, Node 20, 4M reads).
 */
export const HAS_OWN: Helper = {
  name: '__covet_hasOwn',
  source: 'const __covet_hasOwn = Object.prototype.hasOwnProperty;',
};

/** A top-level declaration of the generated module, with the top-level names it may use (`covet inspect` walks these). */
export interface Declaration {
  name: string;
  /** Its source, with the comments above it. */
  code: Code;
  /** Names its code was built from (locals too: a reader keeps those that are declarations). */
  uses: ReadonlySet<string>;
}

/** A declaration whose uses are the names its code was built from. */
export function declaration(name: Name | string, c: Code): Declaration {
  const uses = c.names();
  const n = typeof name === 'string' ? name : name.text;
  uses.delete(n);
  return { name: n, code: c, uses };
}

/** What each shared thing's users said they were (`shared`'s `label`), in a first pass, in the order the things were made. */
export type Survey = readonly (readonly string[])[];

export class Scope {
  private readonly helpers = new Map<string, Helper>();
  /** The sections (generators) that asked for each helper, directly or through another helper. */
  private readonly askedBy = new Map<string, Set<string>>();
  private readonly emitted = new Set<string>();
  private readonly constants = new Map<string, { name: Name; decl: Code; taken: boolean }>();
  private readonly memo = new Map<string, { value: unknown; index: number }>();
  /** The labels of each shared thing's users so far, in the order made. */
  private readonly users: string[][] = [];

  constructor(
    readonly names: NameTable = new NameTable(),
    /** A first pass's `survey()` of the same module: tells `shared` who each thing's users will be. */
    private readonly forecast: Survey | null = null,
  ) {}

  /** The helper's name, for a generator's `section`; it (and what it calls) will be emitted once. */
  helper(h: Helper, section: string): Name {
    if (!this.helpers.has(h.name)) {
      this.names.reserve(h.name);
      for (const extra of h.declares ?? []) this.names.reserve(extra);
      this.helpers.set(h.name, h);
      this.askedBy.set(h.name, new Set());
    }
    const by = this.askedBy.get(h.name)!;
    if (!by.has(section)) {
      by.add(section);
      for (const d of h.deps ?? []) this.helper(d, section);
    }
    return new Name(h.name);
  }

  /**
   * The source of the helpers `section` used so far that `table` lists, in
   * its order, leaving out any an earlier call emitted: a helper two sections
   * share is emitted with the first, one section uses only with that one.
   */
  helperDecls(table: readonly Helper[], section: string): Declaration[] {
    const out: Declaration[] = [];
    for (const h of table) {
      if (!this.askedBy.get(h.name)?.has(section) || this.emitted.has(h.name)) continue;
      this.emitted.add(h.name);
      out.push({ name: h.name, code: raw(h.source), uses: new Set((h.deps ?? []).map((d) => d.name)) });
    }
    return out;
  }

  /**
   * A module constant, keyed by its value: the same value asked twice is one
   * constant, named after the first asker (`base`). `declare` writes its
   * declaration from the name.
   */
  constant(base: string, value: Code, declare: (name: Name) => Code): Name {
    const known = this.constants.get(value.text);
    if (known) return known.name;
    const name = this.names.fresh(base);
    this.constants.set(value.text, { name, decl: declare(name), taken: false });
    return name;
  }

  /** Declarations of the constants not yet emitted, in creation order. */
  constantDecls(): Declaration[] {
    const out: Declaration[] = [];
    for (const c of this.constants.values()) {
      if (c.taken) continue;
      c.taken = true;
      out.push(declaration(c.name, c.decl));
    }
    return out;
  }

  /**
   * Something made once per key (a function whose key is its parameters and
   * body, so two identical functions are one): `make` runs on the first ask,
   * later asks get its result. Each ask says what its user is (`label`);
   * `make` is told every user's label (from the forecast; only this one's
   * without), so that a thing several users share can be named after what it
   * is rather than after the first of them.
   */
  shared<T>(kind: string, key: string, make: (users: readonly string[]) => T, label = ''): { value: T; first: boolean } {
    const k = `${kind}\u0000${key}`;
    const known = this.memo.get(k);
    if (known) {
      this.users[known.index]!.push(label);
      return { value: known.value as T, first: false };
    }
    const index = this.users.length;
    this.users.push([label]);
    const value = make(this.forecast?.[index] ?? [label]);
    this.memo.set(k, { value, index });
    return { value, first: true };
  }

  /** Who used each shared thing: a second pass's forecast. */
  survey(): Survey {
    return this.users.map((u) => [...u]);
  }
}

/**
 * A name part for what a type is, for a function several places share:
 * `Todo`, `Todo_list`, `object_id_title`, `string_or_null`.
 */
export function shapeName(t: TypeIR): string {
  switch (t.kind) {
    case 'ref':
      return t.name;
    case 'array':
      return `${shapeName(t.items)}_list`;
    case 'object': {
      const props = t.properties.map((p) => p.name);
      const shown = props.slice(0, 3).join('_');
      return props.length === 0 ? 'object' : `object_${shown}${props.length > 3 ? '_etc' : ''}`;
    }
    case 'union': {
      const parts = t.variants.slice(0, 3).map(shapeName);
      return `${parts.join('_or_')}${t.variants.length > 3 ? '_etc' : ''}`;
    }
    default:
      return t.kind;
  }
}

/** A generator's scope: the module's when given one, else its own (generators tested alone). */
export function scopeOf(s: Scope | NameTable): Scope {
  return s instanceof Scope ? s : new Scope(s);
}
