// npm's install step for the covet package (also `npm rebuild covet`): nothing to do when the
// prebuilt binary (or an earlier local build) loads on this machine; otherwise a build from
// source when this machine has what it needs; otherwise a note, and the install still
// succeeds: `covet build` then uses the node engine and says the same in one warning.
// Never downloads anything (node-gyp builds against the local Node headers).
import { fileURLToPath } from 'node:url';
import { buildFromSource, locateBinary, missingForSourceBuild, platformName, whatToDo } from './binary.mjs';

const dir = fileURLToPath(new URL('.', import.meta.url));
const found = locateBinary(dir);
if (found.file === null) {
  const missing = missingForSourceBuild();
  if (missing.length) {
    process.stderr.write(`covet: the native engine is not available: ${found.reason}; ${whatToDo(missing)}; until then covet build uses the node engine\n`);
  } else {
    process.stderr.write(`covet: building the native engine for ${platformName()} from source (${found.reason})\n`);
    const failed = buildFromSource(dir);
    if (failed !== null) process.stderr.write(`covet: the native engine was not built: ${failed}\ncovet build uses the node engine\n`);
  }
}
