// The types of dev-session.mjs, for test/dev.test.ts.
import type { ChildProcess } from 'node:child_process';

export const root: string;
export function freePort(): Promise<number>;
export function copyFixture(name: string): string;
export interface Answer {
  status: number;
  body: string;
}
export function get(port: number, urlPath: string, headers?: Record<string, string>): Promise<Answer | null>;
export function pollUntil(port: number, urlPath: string, headers: Record<string, string>, ok: (answer: Answer) => boolean, timeoutMs?: number, everyMs?: number): Promise<Answer>;
export interface DevProcess {
  child: ChildProcess;
  output(): string;
  stdout(): string;
  waitFor(re: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  close(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export function startDev(dir: string, port: number, options?: { args?: string[]; env?: Record<string, string> }): DevProcess;
