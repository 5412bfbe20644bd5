/** The bench app with CORS for one origin, with credentials (and the default security headers). */
import { defineConfig } from 'covet';

export default defineConfig({ cors: { origins: ['https://app.example.com'], credentials: true } });
