/**
 * The runtime as the generated server sees it (imported as `covet:runtime`).
 */
import type { Engine } from './engine.ts';
import { nodeEngine } from './node-engine.ts';

export * from './rt.ts';
export { serve } from './main.ts';
export { nodeEngine } from './node-engine.ts';

/** The engine chosen at build time. */
export function createEngine(name: 'node' | 'native'): Engine {
  if (name === 'node') return nodeEngine();
  throw new Error(`covet: the ${name} engine is not available in this build; rebuild with --engine node`);
}
