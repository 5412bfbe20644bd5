/** Which COVET101 text a library type with no JSON form gets (the table in diagnostics.ts words it). */

import { ts } from 'ts-morph';

type LibText = 'map' | 'set' | 'promise' | 'function' | 'regexp' | 'error' | 'binary' | 'libType';

/** The COVET101 text (and its values) for a library class or interface used where JSON data is expected. */
export function unsupportedLibType(
  name: string,
  t: ts.Type,
  text: (t: ts.Type) => string,
  checker: ts.TypeChecker,
): { text: LibText; values: { type: string; value?: string; item?: string } } {
  const type = text(t);
  const args = (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(t as ts.TypeReference) : [];
  const arg = (i: number): string => (args[i] ? text(args[i]!) : 'unknown');
  switch (name) {
    case 'Map':
    case 'ReadonlyMap':
    case 'WeakMap':
      return { text: 'map', values: { type, value: arg(1) } };
    case 'Set':
    case 'ReadonlySet':
    case 'WeakSet':
      return { text: 'set', values: { type, item: arg(0) } };
    case 'Promise':
    case 'PromiseLike':
      return { text: 'promise', values: { type } };
    case 'Function':
    case 'CallableFunction':
    case 'NewableFunction':
      return { text: 'function', values: { type } };
    case 'RegExp':
      return { text: 'regexp', values: { type } };
    case 'Error':
      return { text: 'error', values: { type } };
    case 'ArrayBuffer':
    case 'SharedArrayBuffer':
    case 'DataView':
    case 'Uint8Array':
    case 'Int8Array':
    case 'Uint8ClampedArray':
    case 'Uint16Array':
    case 'Int16Array':
    case 'Uint32Array':
    case 'Int32Array':
    case 'Float32Array':
    case 'Float64Array':
    case 'BigInt64Array':
    case 'BigUint64Array':
      return { text: 'binary', values: { type } };
    default:
      return { text: 'libType', values: { type } };
  }
}
