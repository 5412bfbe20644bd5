/** The server both suites run: fixtures/conformance, built for the engine named by COVET_ENGINE. */
import { fileURLToPath } from 'node:url';
import type { EngineName } from '../../codegen/app/index.ts';

export const ENGINE = (process.env.COVET_ENGINE ?? 'node') as EngineName;
export const APP_DIR = fileURLToPath(new URL('../../fixtures/conformance', import.meta.url));
/** The limits the cases are written against (see cases/limits.md and cases/timeouts.md). */
export const SERVER_ARGS = ['--max-body-size', '1024', '--headers-timeout', '1000'];
