// The getting-started flow from a CommonJS consumer.
const core = require('tip-sdk');
const emulator = require('tip-sdk/emulator');
const { run } = require('./getting-started-flow.cjs');

run({ core, emulator, label: 'cjs' }).catch((error) => {
  console.error(error);
  process.exit(1);
});
