/**
 * The runtime as the generated server sees it (imported as `covet:runtime`).
 */
import type { Engine, EngineName, EngineOptions } from './engine.ts';
import { nodeEngine } from './node-engine.ts';
import { nativeEngine } from './native-engine.ts';

export * from './rt.ts';
export * from './lifecycle.ts';
export * from './credentials.ts';
export * from './form.ts';
export { serve } from './main.ts';
export { nodeEngine } from './node-engine.ts';
export { nativeEngine } from './native-engine.ts';

/**
 * The engine chosen at build time. A server that cannot have it (the addon is missing or does
 * not load) says why in one line and exits 1: there is nothing to serve with.
 */
export function createEngine(name: EngineName, options?: EngineOptions): Engine {
  try {
    if (name === 'node') return nodeEngine(options);
    if (name === 'native') return nativeEngine(undefined, options); // loads covet_runtime.node from beside the bundle
    throw new Error(`covet: unknown engine ${String(name)}`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
