/** The bench app without security headers (and without CORS): the bytes of a Covet server before issue 13. */
import { defineConfig } from 'covet';

export default defineConfig({ securityHeaders: false });
