/**
 * Runs every benchmark, one after the other, each in its own Node process (so one's heap and JIT state
 * cannot skew another's). `npm run bench` runs all; `npm run bench -- jwt-verify http` runs the named ones.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Each benchmark with the Node flags it needs. */
const BENCHES: Record<string, readonly string[]> = {
  'jwt-verify': [],
  'credentials-warm': ['--expose-gc'],
  'credentials-eviction': [],
  'credentials-memory': ['--expose-gc'],
  'credentials-calls': [],
  'credentials-burst': [],
  's3-access-grants': [],
  http: [],
  observability: [],
  emulator: [],
  'redshift-wire': [],
  'emulator-aging': [],
  'athena-polling': [],
  replicas: [],
  'redshift-polling': [],
  'pglite-initdb': [],
  'sql-engines': [],
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const [name, flags] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n### bench/${name}.ts\n`);
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const run = spawnSync(process.execPath, [...flags, '--import', 'tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
