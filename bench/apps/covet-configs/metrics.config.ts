/** The bench app with Prometheus metrics on (issue 14: their cost against the default build, which has none). */
import { defineConfig } from 'covet';

export default defineConfig({ metrics: { enabled: true } });
