// Types of binary.mjs (plain JavaScript, run at install time before anything is compiled).

export declare const LLHTTP_FILES: readonly string[];
export declare function platformName(): string;
export declare function locateBinary(dir: string): { file: string; reason?: undefined } | { file: null; reason: string };
export declare function nodeHeadersDir(env?: NodeJS.ProcessEnv): string | null;
export declare function nodeGypPath(env?: NodeJS.ProcessEnv): string | null;
export interface Missing {
  what: string;
  /** The Debian/Ubuntu package that provides it. */
  debian: string;
}
export declare function missingForSourceBuild(env?: NodeJS.ProcessEnv): Missing[];
export declare function whatToDo(missing?: Missing[], rebuild?: string): string;
export declare function buildFromSource(dir: string, env?: NodeJS.ProcessEnv): string | null;
