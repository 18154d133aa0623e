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
});
