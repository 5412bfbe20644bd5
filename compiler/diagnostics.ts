/**
 * Every compile error and warning the front end can report. Each has a stable
 * id (never renumbered; retired ids are not reused), names the thing and the
 * handler, points at file:line:column (relative to the app folder) and says
 * what to do instead. TypeScript's own errors in the app's files keep
 * TypeScript's code (`TS2322`).
 */

/** A message and its fix, both composed from the values the call site passes. */
export interface Text<V> {
  message: (v: V) => string;
  fix: (v: V) => string;
  /** What the diagnostic's related location is, when it has one. */
  related?: (v: V) => string;
}

function text<V extends object = Record<never, never>>(message: (v: V) => string, fix: (v: V) => string, related?: (v: V) => string): Text<V> {
  return related ? { message, fix, related } : { message, fix };
}

interface Entry {
  severity: Severity;
  /** What the id is about (one line; the texts say the particulars). */
  about: string;
  texts: Record<string, Text<never>>;
}

/** The tags of a `Query`/`Header`/`Cookie` parameter, for the examples in fixes. */
const markerType = (kind: string): string => (kind === 'query' ? 'Query' : kind === 'header' ? 'Header' : 'Cookie');
const IDENTIFIER = 'letters, digits, _ and $';
const STATIC_CHARS = "letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @";

/**
 * Every diagnostic of covet's own, by id: `COVET1xx` the compiler (the handler
 * modules), `COVET9xx` the build around it. Call sites name an id, one of its
 * texts and the values; only this table words them.
 */
export const DIAGNOSTICS = {
  COVET100: {
    severity: 'error',
    about: 'the app folder or its tsconfig cannot be loaded',
    texts: {
      load: text<{ reason: string }>((v) => v.reason, () => 'pass the folder that holds the handler modules (and its tsconfig.json, if any)'),
    },
  },
  COVET101: {
    severity: 'error',
    about: 'unsupported type',
    texts: {
      tooDeep: text<{ at: string; type: string; max: number }>(
        (v) => `${v.at}: ${v.type} nests too deeply (over ${v.max} levels of anonymous types)`,
        () => 'give the recursive part a name (an interface or type alias)',
      ),
      bigint: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported (bigint has no JSON form)`, () => 'use number & Int, or a string for integers beyond 2^53'),
      symbol: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported (a symbol has no JSON form)`, () => 'use a string'),
      templateLiteral: text<{ at: string; type: string }>(
        (v) => `${v.at}: ${v.type} is not supported (template literal types are not checked)`,
        () => "use string & Pattern<'…'> to constrain the text",
      ),
      typeParameter: text<{ at: string; type: string }>(
        (v) => `${v.at}: ${v.type} is not supported (an uninstantiated type parameter)`,
        () => 'give the handler concrete types; generic handlers are not supported',
      ),
      undefinedValue: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported as a value`, () => 'make the property optional (`?`) or use null'),
      never: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported (never has no values)`, () => 'use a type with values, or remove it'),
      notJson: text<{ at: string; type: string }>(
        (v) => `${v.at}: ${v.type} is not supported`,
        () => 'use a JSON type: string, number, boolean, null, an array, or an object type',
      ),
      computedEnum: text<{ at: string; member: string }>(
        (v) => `${v.at}: enum member ${v.member} has a computed value`,
        () => 'give every enum member a constant string or number value',
      ),
      noValue: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} has no value that can be sent as JSON`, () => 'use null, or make the property optional'),
      map: text<{ at: string; type: string; value: string }>((v) => `${v.at}: ${v.type} is not supported (a Map has no JSON form)`, (v) => `use Record<string, ${v.value}>`),
      set: text<{ at: string; type: string; item: string }>(
        (v) => `${v.at}: ${v.type} is not supported (a Set has no JSON form)`,
        (v) => `use an array: ${v.item}[] (add & UniqueItems to reject duplicates)`,
      ),
      promise: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported inside a value`, () => 'await the value in the handler and use its type'),
      function: text<{ at: string; type: string }>(
        (v) => `${v.at}: ${v.type} is a function type, which has no JSON form`,
        () => 'remove it, or replace it with the data it would compute',
      ),
      regexp: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported`, () => "use string (& Pattern<'…'> to constrain it)"),
      error: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} is not supported`, () => 'use an object type with the fields to send, e.g. { message: string }'),
      binary: text<{ at: string; type: string }>(
        (v) => `${v.at}: ${v.type} is not supported (binary data has no JSON form)`,
        () => 'send a base64 string, or an array of numbers',
      ),
      libType: text<{ at: string; type: string }>(
        (v) => `${v.at}: ${v.type} is not supported (it is not plain JSON data)`,
        () => 'use a plain object type with data properties',
      ),
      restNotLast: text<{ at: string; type: string }>((v) => `${v.at}: ${v.type} has elements after a rest element`, () => 'put the rest element last: [A, B, ...C[]]'),
      symbolKey: text<{ at: string }>((v) => `${v.at}: a property with a symbol key has no JSON form`, () => 'use a string property name'),
      methods: text<{ at: string; type: string; methods: string }>(
        (v) => `${v.at}: ${v.type} has methods (${v.methods}), which have no JSON form`,
        () => 'use a type with data properties only',
      ),
      classBody: text<{ at: string; name: string; methods: string }>(
        (v) => `${v.at}: class ${v.name} has methods (${v.methods}), so it cannot be received as a request body`,
        (v) => `declare an interface with its data fields (or use Pick<${v.name}, …>) for the parameter, and build the ${v.name} in the handler`,
      ),
    },
  },
  COVET102: {
    severity: 'error',
    about: 'two body parameters',
    texts: {
      twoBodies: text<{ first: string; name: string }>(
        (v) => `parameters ${v.first} and ${v.name} would both be the request body`,
        (v) => `combine them into one body type ({ ${v.first}: …; ${v.name}: … }), or mark the scalar one as Query<…>/Header<…>`,
      ),
    },
  },
  COVET103: {
    severity: 'error',
    about: 'a path parameter with no matching function parameter',
    texts: {
      unbound: text<{ sigil: string; name: string; method: string; path: string; close?: string; handler: string }>(
        (v) => `path parameter "${v.sigil}${v.name}" in ${v.method} ${v.path} has no function parameter named ${v.name}`,
        (v) =>
          v.close
            ? `did you mean ${v.close}? rename the parameter ${v.close} to ${v.name} (or the segment to ${v.sigil}${v.close})`
            : `add a parameter \`${v.name}: string\` to ${v.handler}`,
      ),
    },
  },
  COVET104: {
    severity: 'error',
    about: 'a path parameter with a non-scalar type',
    texts: {
      nonScalar: text<{ name: string; type: string }>(
        (v) => `path parameter ${v.name} has type ${v.type}, which is not a scalar`,
        () => 'a path segment is text: use string, number (& Int), boolean, a literal union or an enum',
      ),
    },
  },
  COVET105: {
    severity: 'error',
    about: 'duplicate route',
    texts: {
      duplicate: text<{ method: string; path: string; other: string }>(
        (v) => `${v.method} ${v.path} is already handled by ${v.other}`,
        () => 'remove one of the two routes, or give this one another method or path',
        (v) => `${v.other} handles ${v.method} ${v.path} here`,
      ),
    },
  },
  COVET106: {
    severity: 'error',
    about: 'ambiguous routes',
    texts: {
      ambiguous: text<{ method: string; path: string; otherPath: string; other: string }>(
        (v) => `${v.method} ${v.path} is ambiguous with ${v.method} ${v.otherPath} of ${v.other}: both match the same requests`,
        () => 'use one pattern with one parameter name for both, or add a static segment to tell them apart (e.g. /by-name/:name)',
        (v) => `${v.other} handles ${v.method} ${v.otherPath} here`,
      ),
    },
  },
  COVET107: {
    severity: 'error',
    about: 'invalid path pattern',
    texts: {
      noLeadingSlash: text<{ path: string }>((v) => `invalid path pattern: path ${q(v.path)} must start with "/"`, (v) => `write "/${v.path}"`),
      trailingSlash: text<{ path: string }>(
        (v) => `invalid path pattern: path ${q(v.path)} ends with "/"`,
        () => 'remove the trailing slash: a route pattern never ends with "/"',
      ),
      emptySegment: text<{ path: string }>((v) => `invalid path pattern: path ${q(v.path)} has an empty segment ("//")`, () => 'remove the extra "/"'),
      unnamed: text<{ path: string; what: string; sigil: string }>(
        (v) => `invalid path pattern: ${v.what} "${v.sigil}" in path ${q(v.path)} has no name`,
        (v) => `name it after the function parameter that receives it, e.g. "${v.sigil}${v.sigil === ':' ? 'id' : 'rest'}"`,
      ),
      notIdentifier: text<{ path: string; what: string; sigil: string; name: string; clean?: string }>(
        (v) => `invalid path pattern: ${v.what} name ${q(v.name)} in path ${q(v.path)} is not an identifier`,
        (v) =>
          v.clean
            ? `a ${v.what} is one whole segment named like a JavaScript identifier: use "${v.sigil}${v.clean}"`
            : `a ${v.what} is one whole segment named like a JavaScript identifier (${IDENTIFIER})`,
      ),
      nameTwice: text<{ path: string; name: string }>(
        (v) => `invalid path pattern: path ${q(v.path)} uses the name ${q(v.name)} twice`,
        () => 'give each path parameter its own name',
      ),
      wildcardNotLast: text<{ path: string; name: string }>(
        (v) => `invalid path pattern: wildcard "*${v.name}" in path ${q(v.path)} is not the last segment`,
        (v) => `move "*${v.name}" to the end of the path, or use ":${v.name}" for a single segment`,
      ),
      dotSegment: text<{ path: string; segment: string }>(
        (v) => `invalid path pattern: path ${q(v.path)} has a ${q(v.segment)} segment`,
        () => 'write the path without dot segments',
      ),
      badCharacter: text<{ path: string; char: string; braced?: string }>(
        (v) => `invalid path pattern: path ${q(v.path)} contains the character ${q(v.char)}`,
        (v) =>
          v.braced !== undefined
            ? `write a path parameter as :${v.braced}`
            : v.char === '%'
              ? `write static segments unencoded, using only ${STATIC_CHARS}`
              : `static segments may use only ${STATIC_CHARS}`,
      ),
    },
  },
  COVET108: {
    severity: 'error',
    about: 'unknown HTTP method',
    texts: {
      unknownMethod: text<{ method: string; close?: string; methods: readonly string[] }>(
        (v) => `unknown HTTP method ${q(v.method)} in @route`,
        (v) => (v.close ? `did you mean ${v.close}? (methods: ${v.methods.join(', ')})` : `use one of ${v.methods.join(', ')}`),
      ),
    },
  },
  COVET109: {
    severity: 'error',
    about: '@route on a function that is not exported',
    texts: {
      notExported: text<{ name: string }>((v) => `@route is on ${v.name}, which is not exported`, (v) => `export it: \`export function ${v.name}(…)\``),
      defaultExport: text<{ name: string }>(
        () => '@route is on a default export',
        (v) => `export the handler by name: \`export function ${v.name === 'default' ? 'handler' : v.name}(…)\``,
      ),
    },
  },
  COVET110: {
    severity: 'error',
    about: 'a type tag on the wrong base type (or a bad tag value)',
    texts: {
      noBase: text<{ at: string; tags: string }>(
        (v) => `${v.at}: ${v.tags} is a type tag without a base type`,
        (v) => `intersect it with a base type, e.g. number & ${v.tags}`,
      ),
      wrongBase: text<{ at: string; tag: string; wants: string; base: string }>(
        (v) => `${v.at}: ${v.tag} applies to ${v.wants}, not to ${v.base}`,
        (v) => `remove ${v.tag}, or apply it to ${v.wants === 'a number' ? 'a number (number & ' : v.wants === 'a string' ? 'a string (string & ' : 'an array (T[] & '}${v.tag})`,
      ),
      defaultOnStructure: text<{ at: string; tag: string; base: string }>(
        (v) => `${v.at}: ${v.tag} applies to a string, number, boolean, literal or enum, not to ${v.base}`,
        (v) => `remove ${v.tag}; give the handler parameter a default value instead`,
      ),
      noValue: text<{ at: string; tag: string; example: string }>(
        (v) => `${v.at}: ${v.tag} needs a single literal value`,
        (v) => `write a literal, e.g. ${v.example}, and don't combine two different values of the same tag`,
      ),
      notFinite: text<{ at: string; tag: string; positive: boolean }>(
        (v) => `${v.at}: ${v.tag} needs a finite number${v.positive ? ' above 0' : ''}`,
        () => 'use a numeric literal',
      ),
      unknownMedia: text<{ at: string; value: string }>((v) => `${v.at}: unknown media type ${v.value}`, () => "use PlainText from 'covet'"),
      unknownFormat: text<{ at: string; value: string }>((v) => `${v.at}: unknown string format ${v.value}`, () => 'use one of Email, Uuid, Url, DateTime, DateOnly'),
      patternNotString: text<{ at: string; tag: string }>((v) => `${v.at}: ${v.tag} needs a string literal`, () => "write Pattern<'^[a-z]+$'>"),
      notCount: text<{ at: string; tag: string }>((v) => `${v.at}: ${v.tag} needs a whole number ≥ 0`, () => 'use a non-negative integer literal'),
      badDefault: text<{ at: string; tag: string; type: string }>((v) => `${v.at}: ${v.tag} is not a valid ${v.type}`, () => "use a default value of the property's type"),
      unknownTag: text<{ at: string; name: string; prefix: string }>(
        (v) => `${v.at}: unknown type tag ${v.prefix}${v.name}`,
        (v) => `use the tags exported by 'covet' (Int, Email, Min<N>, …); property names starting with ${v.prefix} are reserved`,
      ),
      unsafeBound: text<{ at: string; tag: string; name: string; max: number }>(
        (v) => `${v.at}: ${v.tag} is outside the safe integer range of Int (${-v.max} to ${v.max})`,
        (v) => `use a bound within that range, or remove ${v.name} (Int alone refuses what lies beyond it); for larger ids use a string & Pattern<'^[0-9]+$'>`,
      ),
    },
  },
  COVET111: {
    severity: 'error',
    about: 'invalid Pattern<> regular expression',
    texts: {
      badRegex: text<{ at: string; tag: string; reason: string }>(
        (v) => `${v.at}: ${v.tag} is not a valid regular expression: ${v.reason}`,
        () => "fix the regular expression (it is compiled with new RegExp(source), no flags; escape a literal backslash as '\\\\')",
      ),
    },
  },
  COVET112: {
    severity: 'error',
    about: 'malformed @route / @status / @throws tag, or a malformed parameter name',
    texts: {
      routeNoPath: text<{ text: string }>((v) => `@route ${q(v.text)} needs a method and a path`, () => 'write it as `@route GET /users/:id`'),
      routeExtra: text<{ text: string }>(
        (v) => `@route ${q(v.text)} has text after the path`,
        () => 'write one `@route METHOD /path` per line; put the description above the tags',
      ),
      status: text<{ text: string }>((v) => `@status ${q(v.text)} is not an HTTP status`, () => 'write a status code from 100 to 599, e.g. `@status 201`'),
      throws: text<{ text: string }>(
        (v) => `@throws ${q(v.text)} does not start with an error status`,
        () => 'write an error status from 400 to 599, then what it means, e.g. `@throws 404 the todo does not exist`',
      ),
      throwsTwice: text<{ status: number }>((v) => `@throws ${v.status} is written twice`, () => 'keep one `@throws` per status; say every case in its description'),
      nameNotLiteral: text<{ kind: string; name: string }>(
        (v) => `the ${v.kind} name of ${v.name} is not a single string literal`,
        (v) => `write the name as a literal, e.g. ${v.kind === 'header' ? "Header<string, 'x-api-key'>" : v.kind === 'cookie' ? "Cookie<string, 'sid'>" : "Query<string, 'page-size'>"}`,
      ),
      badName: text<{ kind: string; key: string }>((v) => `${q(v.key)} is not a valid ${v.kind} name`, () => "use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~"),
      emptyQueryKey: text<{ name: string }>((v) => `the query key of ${v.name} is empty`, () => 'name the key'),
    },
  },
  COVET113: {
    severity: 'error',
    about: '@route on something that is not a function',
    texts: {
      notFunction: text<{ what: string }>((v) => `@route is on ${v.what}, not on a function`, () => 'put @route on an exported function (or `export const f = (…) => …`)'),
    },
  },
  COVET114: {
    severity: 'error',
    about: 'a parameter Covet cannot bind (destructuring, rest, generic handler)',
    texts: {
      destructured: text<{ index: number }>((v) => `parameter ${v.index} is destructured`, () => 'give it a name (`body: NewUser`) and destructure inside the handler'),
      rest: text<{ name: string }>((v) => `rest parameter ...${v.name} cannot be bound to the request`, () => 'declare one parameter per value'),
    },
  },
  COVET115: {
    severity: 'error',
    about: 'a query/header/cookie parameter of a non-scalar type',
    texts: {
      marked: text<{ kind: string; name: string; type: string }>(
        (v) => `${v.kind} parameter ${v.name} has type ${v.type}, which is not a scalar${v.kind === 'cookie' ? '' : ' or an array of scalars'}`,
        (v) => `use string, number, boolean, a literal union or an enum${v.kind === 'cookie' ? '' : ' (or an array of them)'}; send structured data in the body`,
      ),
      query: text<{ name: string; type: string }>(
        (v) => `query parameter ${v.name} has type ${v.type}, which is not a scalar or an array of scalars`,
        () => 'use a scalar type, or an object type to read it from the body',
      ),
    },
  },
  COVET116: {
    severity: 'error',
    about: 'an optional path parameter',
    texts: {
      optional: text<{ name: string }>(
        (v) => `path parameter ${v.name} is optional, but a route only matches when the segment is there`,
        (v) => `make ${v.name} required, or declare a second route without the segment`,
      ),
    },
  },
  COVET117: {
    severity: 'error',
    about: 'a response type that may be undefined',
    texts: {
      mayBeUndefined: text<{ type: string }>(
        (v) => `the response type ${v.type} may be undefined, which has no JSON form`,
        () => 'return null instead (declare `T | null`), or throw new HttpError(404, …) when there is nothing to return',
      ),
    },
  },
  COVET118: {
    severity: 'error',
    about: 'two parameters read the same key from the same place',
    texts: {
      sameKey: text<{ other: string; name: string; kind: string; key: string }>(
        (v) => `parameters ${v.other} and ${v.name} both read the ${v.kind} ${q(v.key)}`,
        (v) => `read it once, or give one of them another name (${markerType(v.kind)}<T, 'other'>)`,
      ),
    },
  },
  COVET119: {
    severity: 'error',
    about: 'an import that does not resolve (a module, or a name it does not export)',
    texts: {
      noFile: text<{ module: string; consequence: string; suggestion?: string }>(
        (v) => `cannot find the module ${q(v.module)}: there is no such file, so ${v.consequence}`,
        (v) => (v.suggestion ? `did you mean ${q(v.suggestion)}? fix the path (it is relative to this file)` : 'fix the path (it is relative to this file), or create the module'),
      ),
      noPackage: text<{ module: string; consequence: string; pkg: string; types: string }>(
        (v) => `cannot find the package ${q(v.module)} (or its type declarations) from this folder, so ${v.consequence}`,
        (v) => `install it (\`npm install ${v.pkg}\`; if it has no types of its own, also \`npm install -D ${v.types}\`), or fix the name`,
      ),
      noDefault: text<{ module: string; local: string; first?: string; exports: string }>(
        (v) => `${q(v.module)} has no default export, so ${v.local} does not resolve`,
        (v) => (v.first !== undefined ? `import a name it exports: \`import { ${v.first} } from ${q(v.module)}\` (${v.exports})` : `export something from ${q(v.module)}, or remove the import`),
      ),
      noExport: text<{ module: string; name: string; close?: string; exports: string }>(
        (v) => `${q(v.module)} has no export named ${v.name}, so it does not resolve (a type would be read as unknown, and nothing would be validated there)`,
        (v) => (v.close ? `did you mean ${v.close}? (${v.exports})` : `export ${v.name} from ${q(v.module)}, or import a name it has (${v.exports})`),
      ),
    },
  },
  COVET120: {
    severity: 'warning',
    about: 'a parameter or response type (or a part of one) is `any`: nothing is validated there',
    texts: {
      any: text<{ at: string; effect: string }>(
        (v) => `${v.at} is any, so nothing is validated there: ${v.effect}`,
        () => 'declare its type; if any value is meant, write unknown (which says so, and is not warned about)',
      ),
    },
  },
  COVET121: {
    severity: 'warning',
    about: 'a parameter or response type (or a part of one) does not resolve, so it is read as `unknown`',
    texts: {
      unresolved: text<{ at: string; name?: string; effect: string }>(
        (v) => `${v.at}: ${v.name ? `the type ${v.name} does not resolve` : 'its type does not resolve'}, so it is read as unknown and nothing is validated there: ${v.effect}`,
        (v) => `${v.name ? `import or declare ${v.name}` : 'import or declare the type'} (a missing import, or a misspelled name); write unknown if any value is meant`,
      ),
    },
  },
  COVET122: {
    severity: 'error',
    about: 'no routes in the app folder',
    texts: {
      noRoutes: text<{ where: string }>(
        (v) => `no routes found: ${v.where}`,
        () => "a route is an exported function with a JSDoc `@route METHOD /path` tag, e.g. `/** @route GET /hello */ export function hello(): string { return 'hi'; }`; if the handlers are elsewhere, pass their folder",
      ),
    },
  },
  COVET123: {
    severity: 'error',
    about: 'a `Dep<typeof …>` that names no provider (not a function, not exported, not in the app)',
    texts: {
      notTypeof: text<{ name: string; written: string }>(
        (v) => `parameter ${v.name} is ${v.written}, which does not name a provider function`,
        (v) => `write \`${v.name}: Dep<typeof provider>\`, where provider is an exported function of the app`,
      ),
      generic: text<{ name: string; written: string; alias: string }>(
        (v) => `parameter ${v.name} is ${v.written}: ${v.alias} is a generic alias of Dep, which covet does not follow to find the provider`,
        (v) => `write \`${v.name}: Dep<typeof provider>\`, or declare an alias per provider: \`type CurrentUser = Dep<typeof currentUser>\``,
      ),
      notFunction: text<{ name: string; target: string; what: string }>(
        (v) => `parameter ${v.name} is a Dep of ${v.target}, which is ${v.what}, not a function`,
        (v) => `make ${v.target} a function (\`export function ${v.target}(…)\` or \`export const ${v.target} = (…) => …\`), or name the function that computes the value`,
      ),
      notApp: text<{ name: string; target: string; file: string }>(
        (v) => `parameter ${v.name} is a Dep of ${v.target}, which is declared in ${v.file}, outside the app's own modules`,
        (v) => `wrap it in a function of the app that the server can import: \`export const my${v.target.charAt(0).toUpperCase()}${v.target.slice(1)} = (…) => ${v.target}(…)\``,
      ),
      notExported: text<{ name: string; target: string; file: string }>(
        (v) => `parameter ${v.name} is a Dep of ${v.target}, which ${v.file} does not export (the generated server imports every provider)`,
        (v) => `export it: \`export function ${v.target}(…)\``,
      ),
      unresolved: text<{ name: string; target: string; close?: string }>(
        (v) => `parameter ${v.name} is a Dep of ${v.target}, which does not resolve`,
        (v) => (v.close ? `did you mean ${v.close}?` : `import or declare ${v.target}`),
      ),
    },
  },
  COVET124: {
    severity: 'error',
    about: 'providers that depend on each other in a cycle',
    texts: {
      cycle: text<{ chain: string; first: string; name: string; owner: string }>(
        (v) => `providers depend on each other in a cycle: ${v.chain}`,
        (v) => `a provider cannot wait for its own value: remove the parameter ${v.name} of ${v.owner}, or move what ${v.owner} and ${v.first} both need into a provider of its own`,
      ),
    },
  },
  COVET125: {
    severity: 'error',
    about: "a provider's parameter is a path parameter in one route that uses it and not in another",
    texts: {
      pathInOne: text<{ provider: string; name: string; withRoute: string; withoutRoute: string; kind: string }>(
        (v) => `parameter ${v.name} is the path parameter :${v.name} of ${v.withRoute}, but ${v.withoutRoute} has no segment :${v.name}, so there it would be a ${v.kind} parameter`,
        (v) => `give both routes the segment :${v.name}, or mark the parameter (Query<T>, Header<T>) so that it reads the same input everywhere, or use two providers`,
        (v) => `${v.withoutRoute} uses ${v.provider} here`,
      ),
    },
  },
  COVET126: {
    severity: 'error',
    about: "two different body types in one route's graph (the body is read once)",
    texts: {
      twoBodyTypes: text<{ first: string; firstType: string; second: string; secondType: string }>(
        (v) => `${v.first} reads the request body as ${v.firstType} and ${v.second} as ${v.secondType}, but a request has one body`,
        (v) => `read the body with one type in both (${v.firstType}), or have ${v.second} receive what it needs from ${v.first} (a Dep, or a parameter)`,
        (v) => `${v.first} reads the body here`,
      ),
    },
  },
  COVET127: {
    severity: 'error',
    about: "one request input read with two different types in one route's graph",
    texts: {
      inputTypes: text<{ input: string; first: string; firstType: string; second: string; secondType: string }>(
        (v) => `${v.input} is read as ${v.firstType} by ${v.first} and as ${v.secondType} by ${v.second}; it is validated once, with one type`,
        (v) => `give both the same type (${v.firstType}), or have them read two different inputs (another name or key)`,
        (v) => `${v.first} reads it here`,
      ),
    },
  },
  COVET128: {
    severity: 'error',
    about: "one parameter name for two different request inputs in one route's graph (the client's arguments are named by them)",
    texts: {
      sameName: text<{ name: string; firstInput: string; first: string; secondInput: string; second: string; kind: string; key: string }>(
        (v) => `parameter ${v.name} is ${v.firstInput} in ${v.first} and ${v.secondInput} in ${v.second}; the route's client call and OpenAPI name both ${v.name}`,
        (v) => `rename one of them, or read the same input in both (${markerType(v.kind)}<T, '${v.key}'>)`,
        (v) => `${v.first} reads ${v.firstInput} here`,
      ),
    },
  },
  COVET129: {
    severity: 'error',
    about: 'a malformed or misspelled hook tag (@onRequest, @onResponse, @onError)',
    texts: {
      scope: text<{ tag: string; word: string; close?: string }>(
        (v) => `@${v.tag} ${q(v.word)}: unknown scope`,
        (v) => `${v.close ? `did you mean ${v.close}? ` : ''}write \`@${v.tag}\` for the routes of this module, or \`@${v.tag} app\` for every route`,
      ),
      notFunction: text<{ tag: string; what: string }>((v) => `@${v.tag} is on ${v.what}, not on a function`, (v) => `put @${v.tag} on an exported function (or \`export const f = (…) => …\`)`),
      notExported: text<{ tag: string; name: string }>((v) => `@${v.tag} is on ${v.name}, which is not exported (the generated server imports every hook)`, (v) => `export it: \`export function ${v.name}(…)\``),
      defaultExport: text<{ tag: string }>((v) => `@${v.tag} is on a default export`, () => 'export the hook by name: `export function myHook(…)`'),
      twoTags: text<{ first: string; second: string }>(
        (v) => `@${v.first} and @${v.second} are on the same function`,
        () => 'write one hook tag per function; declare a second function for the other event',
      ),
      misspelled: text<{ tag: string; close: string }>(
        (v) => `@${v.tag} is not a hook tag, so this function is no hook`,
        (v) => `did you mean @${v.close}? (hook tags: @onRequest, @onResponse, @onError, spelled so)`,
      ),
      withRoute: text<{ tag: string }>((v) => `@${v.tag} is on a route handler`, (v) => `declare the hook as a function of its own (a handler cannot be @${v.tag} too)`),
    },
  },
  COVET130: {
    severity: 'error',
    about: 'a hook parameter that is not one of those its event passes',
    texts: {
      response: text<{ name: string; type: string }>(
        (v) => `parameter ${v.name}: ${v.type} of an @onResponse hook is not Ctx or ResponseInfo`,
        () => "an @onResponse hook runs for every answer (also a 422, when nothing was bound): it takes `info: ResponseInfo` and `ctx: Ctx` (from 'covet') only; read what else it needs from ctx",
      ),
      errorTwo: text<{ name: string; other: string }>(
        (v) => `parameters ${v.other} and ${v.name} of an @onError hook would both be the failure`,
        () => "an @onError hook takes the failure (one parameter, e.g. `err: unknown`) and `ctx: Ctx` (from 'covet') only",
      ),
      infoOnError: text<{ name: string }>(
        (v) => `parameter ${v.name}: ResponseInfo of an @onError hook: there is no response yet`,
        () => 'take the failure (`err: unknown`) and `ctx: Ctx`; read the status in an @onResponse hook',
      ),
      destructured: text<{ index: number }>((v) => `parameter ${v.index} of a hook is destructured`, () => 'give it a name (`info: ResponseInfo`) and destructure inside the hook'),
      rest: text<{ name: string }>((v) => `rest parameter ...${v.name} of a hook cannot be bound`, () => 'declare one parameter per value'),
      dep: text<{ name: string; tag: string }>(
        (v) => `parameter ${v.name} of an @${v.tag} hook is a Dep, but providers are not resolved for every answer (a 422, a 404 of the route) that the hook sees`,
        () => 'make it an @onRequest hook (which may take Deps), or read what it needs from ctx',
      ),
    },
  },
  COVET131: {
    severity: 'error',
    about: 'an @onError hook whose return type is not an answer or nothing',
    texts: {
      returns: text<{ type: string }>(
        (v) => `an @onError hook returns ${v.type}, which is not Answer | HttpError | undefined`,
        () => "declare the return type `Answer | HttpError | undefined` (from 'covet'; or a Promise of it): return an answer to give instead, or undefined to pass the failure on",
      ),
    },
  },
  COVET132: {
    severity: 'warning',
    about: 'a module hook in a module that has no routes: it runs for none',
    texts: {
      noRoutes: text<{ tag: string; file: string }>(
        (v) => `@${v.tag} applies to the routes of its own module, and ${v.file} has none, so it never runs`,
        (v) => `write \`@${v.tag} app\` to run it for every route, or move it into the module of the routes it is for`,
      ),
    },
  },
  COVET133: {
    severity: 'error',
    about: 'a provider that may return an Answer but is no @onRequest hook',
    texts: {
      answer: text<{ name: string }>(
        (v) => `provider ${v.name} may return an Answer, but only an @onRequest hook answers early; Dep<typeof ${v.name}> leaves Answer out of the value's type, so whoever asks would get one it does not expect`,
        (v) => `make ${v.name} an @onRequest hook (\`/** @onRequest */\`), or throw an HttpError to answer with an error`,
      ),
    },
  },
  COVET134: {
    severity: 'error',
    about: 'one security scheme name declared as two different schemes',
    texts: {
      twoSchemes: text<{ scheme: string; first: string; second: string; name: string }>(
        (v) => `parameter ${v.name} declares the security scheme ${q(v.scheme)} as ${v.second}, but it is already ${v.first}`,
        (v) => `a scheme name is one OpenAPI security scheme: give one of them another name (the Scheme type argument, e.g. \`BearerToken<'${v.scheme}2'>\`), or declare both alike`,
        (v) => `${q(v.scheme)} is first declared here`,
      ),
    },
  },
  COVET135: {
    severity: 'error',
    about: 'a credential parameter whose type arguments cannot be read',
    texts: {
      notLiteral: text<{ name: string; what: string }>(
        (v) => `parameter ${v.name}: ${v.what} is not one string literal`,
        () => "write it as a string literal in the type (`ApiKey<'header', 'x-api-key'>`), not a string or a union: the compiler reads it to build the extraction and OpenAPI",
      ),
      badHeaderName: text<{ name: string; key: string }>(
        (v) => `parameter ${v.name}: ${q(v.key)} cannot be a header or cookie name`,
        () => "use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ (RFC 9110 token characters)",
      ),
      emptyKey: text<{ name: string }>((v) => `parameter ${v.name}: the API key's name is empty`, () => "name the header, query parameter or cookie: `ApiKey<'header', 'x-api-key'>`"),
      badSchemeName: text<{ name: string; scheme: string }>(
        (v) => `parameter ${v.name}: ${q(v.scheme)} cannot be a security scheme name (OpenAPI allows letters, digits, . _ and - only)`,
        () => "name the scheme with those characters: the last type argument, e.g. `BearerToken<'userToken'>`",
      ),
      badTokenUrl: text<{ name: string; url: string }>(
        (v) => `parameter ${v.name}: ${q(v.url)} is not a token URL`,
        () => "give the path of the app's token route (`OAuth2Token<'/token'>`) or an absolute URL, without spaces or quotes",
      ),
      badScopes: text<{ name: string }>(
        (v) => `parameter ${v.name}: the scopes of an OAuth2Token must be an object type of string literals`,
        () => "write each scope with its description: `OAuth2Token<'/token', { 'todos:write': 'Change todos' }>`",
      ),
      badScope: text<{ name: string; scope: string }>(
        (v) => `parameter ${v.name}: ${q(v.scope)} is not an OAuth2 scope (RFC 6749 §3.3: printable ASCII without spaces, " or \\)`,
        () => 'name the scope without those characters, e.g. `todos:write`',
      ),
    },
  },
  COVET136: {
    severity: 'error',
    about: "a @scopes scope that the route's OAuth2Token does not declare",
    texts: {
      unknown: text<{ scope: string; close?: string; declared: string }>(
        (v) => `@scopes ${v.scope}: the OAuth2Token of this route declares no such scope (it declares ${v.declared})`,
        (v) => `${v.close ? `did you mean ${v.close}? ` : ''}add it to the OAuth2Token's scopes (\`OAuth2Token<'/token', { '${v.scope}': 'what it allows' }>\`), or fix the name`,
      ),
    },
  },
  COVET137: {
    severity: 'warning',
    about: 'a route with @scopes that reads no credential',
    texts: {
      noCredential: text<{ scopes: string; handler: string }>(
        (v) => `@scopes ${v.scopes}: nothing of ${v.handler}'s graph reads a credential, so nothing checks them`,
        () => 'take the identity from a provider that reads a credential and checks Scopes (`Dep<typeof currentUser>`), or remove @scopes',
      ),
    },
  },
  COVET138: {
    severity: 'error',
    about: 'a Form<T> body whose T is not an object of scalars',
    texts: {
      notObject: text<{ name: string; type: string }>(
        (v) => `parameter ${v.name}: Form<${v.type}> is not an object type`,
        () => 'a form is flat fields: declare an interface of scalar fields (`interface Login { username: string; password: string }`)',
      ),
      field: text<{ name: string; field: string; type: string }>(
        (v) => `parameter ${v.name}: field ${v.field} of the form is ${v.type}, which a form field cannot hold`,
        () => 'a form field is text: make it a string, number, boolean, literal or enum, or an array of them (a repeated key); send structured data as a JSON body instead',
      ),
      twoMedia: text<{ first: string; second: string }>(
        (v) => `${v.first} reads the body as JSON and ${v.second} as a form`,
        () => 'one request has one body: read it the same way in both (Form<T> in each, or neither)',
      ),
    },
  },
  COVET139: {
    severity: 'error',
    about: 'a malformed @scopes tag',
    texts: {
      empty: text<{ tag: string }>((v) => `@${v.tag} names no scope`, () => 'list the scopes the route requires, separated by spaces: `@scopes todos:read todos:write`'),
      badScope: text<{ scope: string }>(
        (v) => `@scopes ${q(v.scope)} is not an OAuth2 scope (RFC 6749 §3.3: printable ASCII without spaces, " or \\)`,
        () => 'separate scopes with spaces, and write each without quotes or backslashes',
      ),
    },
  },
  COVET900: {
    severity: 'error',
    about: 'bundling failed',
    texts: {
      bundle: text<{ text: string }>((v) => `bundling failed: ${v.text}`, () => 'fix the import or syntax error esbuild reports here'),
    },
  },
  COVET901: {
    severity: 'error',
    about: 'the native engine was asked for and is not available',
    texts: {
      noNative: text<{ reason: string; remedy: string }>((v) => `the native engine is not available: ${v.reason}`, (v) => `${v.remedy}; or build with --engine node`),
    },
  },
  COVET902: {
    severity: 'warning',
    about: 'no engine asked for and no native engine: the node engine is used',
    texts: {
      nodeFallback: text<{ reason: string; remedy: string }>(
        (v) => `the native engine is not available (${v.reason}); this server uses the node engine (node:http)`,
        (v) => `${v.remedy}; or choose the node engine with --engine node (engine: 'node') to silence this`,
      ),
    },
  },
  COVET903: {
    severity: 'warning',
    about: 'the bundler warns',
    texts: {
      bundlerWarning: text<{ text: string }>((v) => `the bundler warns: ${v.text}`, () => 'look at the import or expression esbuild names; the server was built'),
    },
  },
  COVET904: {
    severity: 'warning',
    about: 'a package the server imports by name is not installed where the output can find it',
    texts: {
      notInstalled: text<{ names: readonly string[]; where: string; listing: string }>(
        (v) => `the server imports ${v.names.join(', ')}, which ${v.names.length === 1 ? 'is' : 'are'} not installed where ${v.where} can find ${v.names.length === 1 ? 'it' : 'them'}`,
        (v) => `run npm install --omit=dev in ${v.where} before starting the server (${v.listing} lists ${v.names.length === 1 ? 'it' : 'them'})`,
      ),
    },
  },
  COVET905: {
    severity: 'warning',
    about: 'a package the server imports by name resolved to two versions',
    texts: {
      twoVersions: text<{ name: string; first: string; firstDir: string; second: string; secondDir: string }>(
        (v) => `${v.name}, which the server imports by name, resolved to two versions: ${v.first} (${v.firstDir}) and ${v.second} (${v.secondDir})`,
        (v) => `the output's package.json lists ${v.first}, which every import of ${v.name} then gets: make the app's dependencies agree on one version`,
      ),
    },
  },
  COVET910: {
    severity: 'error',
    about: 'a route at a path the docs routes answer (/openapi.json, /docs and its assets)',
    texts: {
      docsPath: text<{ method: string; path: string; what: string }>(
        (v) => `${v.method} ${v.path} is at the path of ${v.what}, which the server answers itself`,
        () => 'move the route, or move the docs (--docs-path, --openapi-path; docsPath, openapiPath in build()), or turn them off (--no-docs; docs: false)',
      ),
    },
  },
  COVET911: {
    severity: 'error',
    about: 'a route at the path of a health route (/healthz, /readyz)',
    texts: {
      healthPath: text<{ method: string; path: string; what: 'liveness' | 'readiness'; option: string }>(
        (v) => `${v.method} ${v.path} is at the path of the ${v.what} route, which the server answers itself`,
        (v) => `move the route, or move the ${v.what} route (${v.option} in covet.config.ts), or turn it off (${v.option}: false)`,
      ),
    },
  },
  COVET920: {
    severity: 'error',
    about: 'the config file (covet.config.ts) cannot be read',
    texts: {
      load: text<{ file: string; reason: string }>(
        (v) => `${v.file} cannot be read: ${v.reason}`,
        () => "fix the error; the file's default export is the config: `export default defineConfig({ … })`, with defineConfig from 'covet'",
      ),
      missing: text<{ file: string }>((v) => `the config file ${v.file} does not exist`, () => 'pass the path of a covet.config.ts (--config), or leave it out to use <app>/covet.config.ts when there is one'),
      noDefault: text<{ file: string }>(
        (v) => `${v.file} has no default export`,
        () => "export the config as the default: `export default defineConfig({ … })`, with defineConfig from 'covet'",
      ),
    },
  },
  COVET921: {
    severity: 'error',
    about: 'an option of the config file (covet.config.ts) has a value it does not take, or is not an option',
    texts: {
      badValue: text<{ option: string; allowed: string; got: string; problem: string; example: string }>(
        (v) => `${v.option} ${v.problem}, got ${v.got}`,
        (v) => `set ${v.option} to ${v.allowed} (e.g. ${v.example}), or remove it for the default`,
      ),
      unknown: text<{ option: string; known: string; suggestion?: string }>(
        (v) => `${v.option} is not an option of covet.config.ts`,
        (v) => `${v.suggestion ? `did you mean ${v.suggestion}? ` : ''}${v.known}`,
      ),
    },
  },
  COVET922: {
    severity: 'error',
    about: "covet.config.ts's cors allows credentials from any origin ('*')",
    texts: {
      wildcardCredentials: text(
        () => "cors.credentials is true with cors.origins '*': browsers refuse `Access-Control-Allow-Origin: *` on a request with credentials, and reflecting any origin instead would let every site act as the user",
        () => "list the origins that may send credentials (origins: ['https://app.example.com']), or a RegExp or function that decides; or set credentials: false",
      ),
    },
  },
  COVET923: {
    severity: 'error',
    about: 'an entry of cors.origins is not an origin (scheme://host[:port], as browsers send it)',
    texts: {
      notOrigin: text<{ origin: string; why: string; suggestion?: string }>(
        (v) => `cors.origins has ${q(v.origin)}, which is not an origin: ${v.why}`,
        (v) => (v.suggestion ? `write ${q(v.suggestion)}` : "write the origin as browsers send it in the Origin header: scheme, host and port only (e.g. 'https://app.example.com', 'http://localhost:5173')"),
      ),
    },
  },
  COVET924: {
    severity: 'error',
    about: 'the RegExp of cors.origins has the g or y flag',
    texts: {
      statefulRegExp: text<{ regexp: string }>(
        (v) => `cors.origins is ${v.regexp}, whose g or y flag makes test() remember where it stopped: the same origin would be allowed, then refused`,
        () => 'remove the g and y flags (and anchor it: /^https:\/\/[a-z0-9-]+\.example\.com$/)',
      ),
    },
  },
  COVET925: {
    severity: 'error',
    about: 'securityHeaders.hsts asks for preload without what the preload list requires',
    texts: {
      preload: text<{ missing: string }>(
        (v) => `securityHeaders.hsts has preload: true without ${v.missing}, which the HSTS preload list requires`,
        () => 'set hsts: { maxAgeSec: 31536000, includeSubDomains: true, preload: true }, or drop preload',
      ),
    },
  },
  COVET926: {
    severity: 'error',
    about: 'covet.config.ts has a cors section without origins',
    texts: {
      noOrigins: text(
        () => 'cors has no origins: no page of another origin would be allowed',
        () => "add origins (a list such as ['https://app.example.com'], a RegExp, a function, or '*'), or remove cors",
      ),
    },
  },
} as const satisfies Record<`COVET${number}`, Entry>;

function q(s: string): string {
  return JSON.stringify(s);
}

/** Any id of the table. */
export type DiagnosticId = keyof typeof DIAGNOSTICS;
/** The compiler's ids (the handler modules). */
export type DiagnosticCode = Extract<DiagnosticId, `COVET1${string}`>;
/** The texts of one id. */
export type TextName<I extends DiagnosticId> = keyof (typeof DIAGNOSTICS)[I]['texts'] & string;
/** The values one text is composed from. */
export type TextValues<I extends DiagnosticId, K extends TextName<I>> = (typeof DIAGNOSTICS)[I]['texts'][K] extends Text<infer V> ? V : never;

/** The severity, message and fix of one text of the table (and what its related location is, if it says). */
export function compose<I extends DiagnosticId, K extends TextName<I>>(
  id: I,
  name: K,
  values: TextValues<I, K>,
): { id: I; severity: Severity; message: string; hint: string; related?: string } {
  const entry = DIAGNOSTICS[id] as Entry;
  const t = entry.texts[name] as unknown as Text<TextValues<I, K>>;
  const out: { id: I; severity: Severity; message: string; hint: string; related?: string } = { id, severity: entry.severity, message: t.message(values), hint: t.fix(values) };
  if (t.related) out.related = t.related(values);
  return out;
}

/** A diagnostic of the table at one place; by default about the whole build (no file, line 0). */
export function diagnosticAt<I extends DiagnosticId, K extends TextName<I>>(
  id: I,
  name: K,
  values: TextValues<I, K>,
  at: { file: string; line: number; column: number } = { file: '', line: 0, column: 0 },
): Diagnostic {
  const { severity, message, hint } = compose(id, name, values);
  return makeDiagnostic({ id, severity, message, hint, file: at.file, line: at.line, column: at.column });
}

/** A TypeScript error in one of the app's own files, under TypeScript's code (`covet build` without `--no-typecheck`). */
export type TypeScriptCode = `TS${number}`;

/** The fix of every TypeScript error covet reports (the message is TypeScript's). */
export const TYPESCRIPT_FIX = 'covet builds only code that type-checks: fix it (`--no-typecheck` skips the check)';

/** Errors fail the build; warnings are printed and the build goes on. */
export type Severity = 'error' | 'warning';

/** A second place a diagnostic is about ("already handled by X", there). */
export interface RelatedLocation {
  message: string;
  /** Relative to the app folder, `/` separators. */
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic {
  /** A compiler code above, a TypeScript code, or another stage's `COVET9xx`. */
  id: DiagnosticCode | TypeScriptCode | `COVET${number}`;
  severity: Severity;
  /** The handler's export name, when the error belongs to one. */
  handler?: string;
  /** What is wrong, naming the thing; starts with `handler: ` when there is a handler. */
  message: string;
  /** What to do instead. */
  hint: string;
  /** Relative to the app folder, `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** The end of the span (1-based, the position just after it), when the diagnostic is about a span rather than a point. */
  endLine?: number;
  endColumn?: number;
  /** Another place the diagnostic is about, printed like the main one. */
  related?: RelatedLocation;
}

export interface DiagnosticInput {
  id: DiagnosticCode | TypeScriptCode | `COVET${number}`;
  /** Default: error. */
  severity?: Severity;
  handler?: string;
  message: string;
  hint: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  related?: RelatedLocation;
}

export function makeDiagnostic(d: DiagnosticInput): Diagnostic {
  const out: Diagnostic = {
    id: d.id,
    severity: d.severity ?? 'error',
    message: d.handler ? `${d.handler}: ${d.message}` : d.message,
    hint: d.hint,
    file: d.file,
    line: d.line,
    column: d.column,
  };
  if (d.endLine !== undefined && d.endColumn !== undefined) {
    out.endLine = d.endLine;
    out.endColumn = d.endColumn;
  }
  if (d.handler) out.handler = d.handler;
  if (d.related) out.related = d.related;
  return out;
}

/** What printing and sorting read of a diagnostic, of any stage (the build API's ids are plain strings). */
type Located = { id: string; message: string; file: string; line: number; column: number };

/**
 * `users.ts:12:5 - error COVET104: getUser: … \n  fix: …`; a diagnostic of the
 * whole build (no file, line 0) reads `covet: error COVET901: …`. Any stage's
 * diagnostic prints this way, warnings included.
 */
export function formatDiagnostic(d: Located & { severity: 'error' | 'warning'; hint: string; related?: RelatedLocation }): string {
  const where = d.file ? `${d.file}:${d.line}:${d.column} -` : 'covet:';
  const related = d.related ? `\n  ${d.related.file}:${d.related.line}:${d.related.column} - note: ${d.related.message}` : '';
  return `${where} ${d.severity} ${d.id}: ${d.message}${related}\n  fix: ${d.hint}`;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

/** Stable order: by file, line, column, then id. */
export function sortDiagnostics<T extends Located>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.id, b.id) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Levenshtein distance, case-insensitive matches count as distance 0.5 below a real edit. */
function distance(a: string, b: string): number {
  if (a.toLowerCase() === b.toLowerCase()) return 0.5;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `name`, if close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(name.length, best.length) / 3));
  return bestScore <= limit ? best : undefined;
}
