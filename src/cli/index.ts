#!/usr/bin/env node
/**
 * The `tip-sdk` command. Subcommands: `emulator` (see `emulator-command.ts`).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CommandIo, runEmulatorCommand } from './emulator-command.js';

/** The top-level usage text. */
export const USAGE = `Usage: tip-sdk <command> [options]

Commands:
  emulator   start the local AWS trusted identity propagation emulator and its OIDC IdP
`;

/** The process's real I/O: stdout, stderr, SIGINT and SIGTERM. */
export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  onSignal(handler) {
    const listener = (signal: NodeJS.Signals) => handler(signal);
    process.on('SIGINT', listener);
    process.on('SIGTERM', listener);
    return () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    };
  },
};

/** Runs `tip-sdk` with `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'emulator') return runEmulatorCommand(rest, io);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  io.stderr(`tip-sdk: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  return 2;
}

/** Whether this module is the script node runs, also through a symbolic link such as an npm bin link. */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`tip-sdk: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
