import { defineConfig } from 'tsup';

/** Public entry points; each (but the CLI) is a subpath export in package.json. */
export const entries = {
  index: 'src/index.ts',
  athena: 'src/athena.ts',
  redshift: 'src/redshift.ts',
  s3: 'src/s3.ts',
  express: 'src/express.ts',
  fastify: 'src/fastify.ts',
  emulator: 'src/emulator/index.ts',
  testing: 'src/testing.ts',
  observability: 'src/observability/index.ts',
  redis: 'src/redis/index.ts',
  connector: 'src/connector/index.ts',
  cli: 'src/cli/index.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  shims: false,
  esbuildOptions(options, { format }) {
    // The CommonJS build has no `import.meta`: there `import.meta.url` is the file's own URL, which
    // optional peers are required from (src/optional-peer.ts).
    if (format === 'cjs') {
      options.define = { ...options.define, 'import.meta.url': '__tipImportMetaUrl' };
      options.banner = { js: "var __tipImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" };
    }
  },
});
