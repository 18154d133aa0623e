// The getting-started flow from an ES module consumer.
import { createRequire } from 'node:module';
import * as core from 'tip-sdk';
import * as emulator from 'tip-sdk/emulator';

const { run } = createRequire(import.meta.url)('./getting-started-flow.cjs');
await run({ core, emulator, label: 'esm' });
