import { defineConfig } from 'tsup';

/** Public entry points; each becomes a subpath export in package.json. */
export const entries = {
  index: 'src/index.ts',
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
