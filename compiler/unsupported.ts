/** Messages for library types that have no JSON form, each with what to use instead. */

import { ts } from 'ts-morph';

/** `[message, hint]` for a library class or interface used where JSON data is expected. */
export function unsupportedLibType(
  name: string,
  t: ts.Type,
  text: (t: ts.Type) => string,
  checker: ts.TypeChecker,
): [string, string] {
  const shown = text(t);
  const args = (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(t as ts.TypeReference) : [];
  const arg = (i: number): string => (args[i] ? text(args[i]!) : 'unknown');
  switch (name) {
    case 'Map':
    case 'ReadonlyMap':
    case 'WeakMap':
      return [`${shown} is not supported (a Map has no JSON form)`, `use Record<string, ${arg(1)}>`];
    case 'Set':
    case 'ReadonlySet':
    case 'WeakSet':
      return [`${shown} is not supported (a Set has no JSON form)`, `use an array: ${arg(0)}[] (add & UniqueItems to reject duplicates)`];
    case 'Promise':
    case 'PromiseLike':
      return [`${shown} is not supported inside a value`, 'await the value in the handler and use its type'];
    case 'Function':
    case 'CallableFunction':
    case 'NewableFunction':
      return [`${shown} is a function type, which has no JSON form`, 'remove it, or replace it with the data it would compute'];
    case 'RegExp':
      return [`${shown} is not supported`, "use string (& Pattern<'…'> to constrain it)"];
    case 'Error':
      return [`${shown} is not supported`, 'use an object type with the fields to send, e.g. { message: string }'];
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
      return [`${shown} is not supported (binary data has no JSON form)`, 'send a base64 string, or an array of numbers'];
    default:
      return [`${shown} is not supported (it is not plain JSON data)`, 'use a plain object type with data properties'];
  }
}
