/**
 * The runtime as the generated server sees it (imported as `covet:runtime`).
 */
import type { Engine } from './engine.ts';
import { nodeEngine } from './node-engine.ts';
import { nativeEngine } from './native-engine.ts';

export * from './rt.ts';
export { serve } from './main.ts';
export { nodeEngine } from './node-engine.ts';
export { nativeEngine } from './native-engine.ts';

/** The engine chosen at build time. */
export function createEngine(name: 'node' | 'native'): Engine {
  if (name === 'node') return nodeEngine();
  if (name === 'native') return nativeEngine(); // loads covet_runtime.node from beside the bundle
  throw new Error(`covet: unknown engine ${String(name)}`);
}
