/**
 * The server's config, built into it by `covet build`. At start, environment variables (PORT,
 * HOST, COVET_MAX_BODY_SIZE, …) override it, and the server's flags (--port, …) override both:
 * covet's README lists every option with its variable and flag.
 */
import { defineConfig } from 'covet';

export default defineConfig({
  server: { port: 3000 },
  // Notes are short: a request body over 64 KiB is answered 413 (the default limit is 1 MiB).
  limits: { maxBodySize: 64 * 1024 },
});
