/**
 * Loads the HTTP/1.1 conformance cases: Markdown files in cases/, one case per
 * `## heading`, read top to bottom as steps on one client connection.
 *
 * ```http [split=N] [delay=MS] [repeat=N]
 *   Bytes the client sends. Every line ends with CRLF, except a line ending in
 *   a lone `\` (no line ending: a body, or a bare `\n` written as an escape).
 *   Escapes: \r \n \t \0 \xHH \\ ; `{c*N}` is the text `c` repeated N times.
 *   split=N: written N bytes at a time, `delay` ms apart (default 1).
 *   repeat=N: the whole block N times, in one write.
 * ```response [head] [repeat=N] [within=MS]
 *   The next response read from the connection. First line: the status line,
 *   exactly. Then required headers: `name: value` (name case-insensitive,
 *   value exact), `name: *` (present, any value), `!name` (absent). Then, after
 *   an empty line, the body: exact text, where `...` matches anything; with no
 *   empty line the body is not checked. `head`: the answer to a HEAD request
 *   (headers only, whatever Content-Length says). Escapes and `{c*N}` as above.
 * - list items are steps too:
 *   `connection closed [within N ms][, not before N ms]` — the server closes,
 *       with nothing more sent;
 *   `connection kept alive` — the same connection then answers `GET /`;
 *   `nothing received for N ms` — e.g. no `100 Continue` when refusing;
 *   `wait N ms`, `client disconnects`, `new connection` (later steps use it);
 *   `client half-closes` — the client ends its side (FIN) and goes on reading;
 *   `server still serves` — a fresh connection answers `GET /` (also checked
 *       automatically after every case).
 * Everything else (prose, `>` decision notes) is documentation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface HeaderExpectation {
  name: string;
  /** Exact value; `null`: any value; `false`: the header must be absent. */
  value: string | null | false;
}

export type Step =
  | { kind: 'send'; bytes: Buffer; split: number; delayMs: number; line: number }
  | {
      kind: 'expect';
      statusLine: string;
      headers: HeaderExpectation[];
      /** Body pattern (`...` = anything); null: not checked. */
      body: string | null;
      head: boolean;
      withinMs: number;
      line: number;
    }
  | { kind: 'closed'; withinMs: number; notBeforeMs: number; line: number }
  | { kind: 'keptAlive'; line: number }
  | { kind: 'silent'; ms: number; line: number }
  | { kind: 'wait'; ms: number; line: number }
  | { kind: 'disconnect'; line: number }
  | { kind: 'halfClose'; line: number }
  | { kind: 'newConnection'; line: number }
  | { kind: 'serves'; line: number };

export interface Case {
  /** File name under cases/. */
  file: string;
  name: string;
  /** 1-based line of the `##` heading. */
  line: number;
  steps: Step[];
}

const DEFAULT_RESPONSE_MS = 3000;

/** Decodes the escapes and `{c*N}` repetitions of one line. */
export function decodeLine(text: string): { bytes: Buffer; noEol: boolean } {
  const out: number[] = [];
  let noEol = false;
  const push = (s: string) => {
    for (const b of Buffer.from(s, 'utf8')) out.push(b);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (i === text.length - 1) {
        noEol = true;
        break;
      }
      const n = text[++i]!;
      if (n === 'r') out.push(13);
      else if (n === 'n') out.push(10);
      else if (n === 't') out.push(9);
      else if (n === '0') out.push(0);
      else if (n === '\\') out.push(92);
      else if (n === 'x') {
        const hex = text.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad escape \\x${hex}`);
        out.push(parseInt(hex, 16));
        i += 2;
      } else throw new Error(`unknown escape \\${n}`);
      continue;
    }
    if (c === '{') {
      const m = /^\{([^{}*]+)\*(\d+)\}/.exec(text.slice(i));
      if (m) {
        push(m[1]!.repeat(Number(m[2])));
        i += m[0].length - 1;
        continue;
      }
    }
    push(c);
  }
  return { bytes: Buffer.from(out), noEol };
}

function attrs(info: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of info.trim().split(/\s+/).slice(1)) {
    const eq = part.indexOf('=');
    if (eq === -1) map.set(part, '');
    else map.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return map;
}

function parseHttpBlock(lines: string[], info: string, line: number): Step {
  const a = attrs(info);
  const parts: Buffer[] = [];
  for (const l of lines) {
    const { bytes, noEol } = decodeLine(l);
    parts.push(bytes);
    if (!noEol) parts.push(Buffer.from('\r\n'));
  }
  const once = Buffer.concat(parts);
  const repeat = Number(a.get('repeat') ?? 1);
  const bytes = Buffer.concat(Array.from({ length: repeat }, () => once));
  const split = Number(a.get('split') ?? 0);
  return { kind: 'send', bytes, split, delayMs: Number(a.get('delay') ?? 1), line };
}

function parseResponseBlock(lines: string[], info: string, line: number): Step[] {
  const a = attrs(info);
  if (lines.length === 0) throw new Error(`line ${line}: empty response block`);
  const statusLine = lines[0]!;
  const headers: HeaderExpectation[] = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const l = lines[i]!;
    if (l.startsWith('!')) {
      headers.push({ name: l.slice(1).trim().toLowerCase(), value: false });
      continue;
    }
    const colon = l.indexOf(':');
    if (colon <= 0) throw new Error(`line ${line + i + 1}: expected "name: value", "name: *" or "!name", got ${JSON.stringify(l)}`);
    const value = l.slice(colon + 1).trim();
    headers.push({ name: l.slice(0, colon).trim().toLowerCase(), value: value === '*' ? null : decodeLine(value).bytes.toString('latin1') });
  }
  const body = i < lines.length ? lines.slice(i + 1).map((l) => decodeLine(l).bytes.toString('utf8')).join('\n') : null;
  const step: Step = {
    kind: 'expect',
    statusLine,
    headers,
    body,
    head: a.has('head'),
    withinMs: Number(a.get('within') ?? DEFAULT_RESPONSE_MS),
    line,
  };
  return Array.from({ length: Number(a.get('repeat') ?? 1) }, () => step);
}

function parseListStep(text: string, line: number): Step {
  let m: RegExpExecArray | null;
  if ((m = /^connection closed(?: within (\d+) ms)?(?:, not before (\d+) ms)?$/.exec(text))) {
    return { kind: 'closed', withinMs: Number(m[1] ?? DEFAULT_RESPONSE_MS), notBeforeMs: Number(m[2] ?? 0), line };
  }
  if (text === 'connection kept alive') return { kind: 'keptAlive', line };
  if ((m = /^nothing received for (\d+) ms$/.exec(text))) return { kind: 'silent', ms: Number(m[1]), line };
  if ((m = /^wait (\d+) ms$/.exec(text))) return { kind: 'wait', ms: Number(m[1]), line };
  if (text === 'client disconnects') return { kind: 'disconnect', line };
  if (text === 'client half-closes') return { kind: 'halfClose', line };
  if (text === 'new connection') return { kind: 'newConnection', line };
  if (text === 'server still serves') return { kind: 'serves', line };
  throw new Error(`line ${line}: unknown step "- ${text}"`);
}

/** Parses one case file. */
export function parseCases(file: string, text: string): Case[] {
  const lines = text.split(/\r?\n/);
  const cases: Case[] = [];
  let current: Case | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const fence = /^```(\S*)(.*)$/.exec(l);
    if (fence) {
      const start = i + 1;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new Error(`${file}:${start}: unclosed code block`);
      const kind = fence[1];
      if (kind !== 'http' && kind !== 'response') continue; // other blocks are documentation
      if (!current) throw new Error(`${file}:${start}: a ${kind} block before the first "## case"`);
      try {
        if (kind === 'http') current.steps.push(parseHttpBlock(body, l.slice(3), start));
        else current.steps.push(...parseResponseBlock(body, l.slice(3), start));
      } catch (err) {
        throw new Error(`${file}:${start}: ${(err as Error).message}`);
      }
      continue;
    }
    const heading = /^## (.+)$/.exec(l);
    if (heading) {
      current = { file, name: heading[1]!.trim(), line: i + 1, steps: [] };
      cases.push(current);
      continue;
    }
    const item = /^- (.+)$/.exec(l);
    if (item && current) {
      try {
        current.steps.push(parseListStep(item[1]!.trim(), i + 1));
      } catch (err) {
        throw new Error(`${file}:${(err as Error).message}`);
      }
    }
  }
  for (const c of cases) if (c.steps.length === 0) throw new Error(`${file}:${c.line}: case "${c.name}" has no steps`);
  return cases;
}

/** Every case under `dir`, files in name order. */
export function loadCases(dir: string): Case[] {
  const out: Case[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
    out.push(...parseCases(name, readFileSync(path.join(dir, name), 'utf8')));
  }
  return out;
}
