/**
 * A short TypeScript-like rendering of a type IR node, for the comment above
 * a generated function (`// getUser_response: User[]`). Only ever passed
 * through `comment()`, so property names and literal values stay harmless.
 */

import type { TypeIR } from '../../compiler/ir.ts';

const MAX = 100;

export function describeType(type: TypeIR): string {
  const text = render(type, 0);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

function render(t: TypeIR, depth: number): string {
  switch (t.kind) {
    case 'string':
      return t.format ? `string (${t.format})` : 'string';
    case 'number':
      return t.integer ? 'Int' : 'number';
    case 'boolean':
    case 'null':
    case 'unknown':
      return t.kind;
    case 'date':
      return 'Date';
    case 'literal':
      return JSON.stringify(t.value);
    case 'enum':
      return t.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'ref':
      return t.name;
    case 'array': {
      const inner = render(t.items, depth + 1);
      return t.items.kind === 'union' ? `(${inner})[]` : `${inner}[]`;
    }
    case 'tuple': {
      const items = t.items.map((item, i) => render(item, depth + 1) + (i >= t.minItems ? '?' : ''));
      if (t.rest) items.push(`...${render(t.rest, depth + 1)}[]`);
      return `[${items.join(', ')}]`;
    }
    case 'union':
      return t.variants.map((v) => render(v, depth + 1)).join(' | ');
    case 'object': {
      if (depth > 0) return '{…}';
      const members = t.properties.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : JSON.stringify(p.name)}${p.optional ? '?' : ''}`);
      if (t.additionalProperties) members.push(`[key: string]: ${render(t.additionalProperties, depth + 1)}`);
      return `{ ${members.join(', ')} }`;
    }
  }
}
