// Types of layers.mjs (plain JavaScript, so that it runs by hand without a TypeScript loader).

export interface ObjectSymbols {
  /** Global symbols the object file defines. */
  defines: string[];
  /** Symbols it uses and does not define. */
  uses: string[];
}
export declare function readLayers(header: string): string[];
export declare function layerViolations(layers: readonly string[], objects: ReadonlyMap<string, ObjectSymbols>): string[];
export declare function inspect(dir?: string): { layers: string[]; objects: Map<string, ObjectSymbols>; skipped?: undefined } | { skipped: string };
