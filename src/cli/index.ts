#!/usr/bin/env node
/**
 * The `tip-sdk` command: `login`, `credentials`, `token`, `doctor` (for desktop tools acting as one user),
 * `emulator` and `emulator token` (the local emulator), `--version`. Each command loads only what it needs.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../package-version.js';
import type { CommandIo } from './emulator-command.js';

/** The top-level usage text. */
export const USAGE = `Usage: tip-sdk <command> [options]       (tip-sdk <command> --help for each)

Commands:
  login         sign in with the browser and keep the tokens in the encrypted token cache
  credentials   print AWS credential_process JSON of the signed-in user (for ~/.aws/config)
  token         print a token for a database driver (IdC access token, or --for redshift)
  doctor        check a profile's setup against AWS (or the emulator), one line per check
  emulator      start the local AWS trusted identity propagation emulator and its OIDC IdP
  emulator token <user>   print a user token from a running emulator's IdP

Options:
  --version     print the tip-sdk version
  --help        print this text
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
  switch (command) {
    case 'emulator':
      if (rest[0] === 'token') {
        const { runEmulatorTokenCommand } = await import('./emulator-token-command.js');
        return runEmulatorTokenCommand(rest.slice(1), io);
      }
      return (await import('./emulator-command.js')).runEmulatorCommand(rest, io);
    case 'login':
      return (await import('./login-command.js')).runLoginCommand(rest, io);
    case 'credentials':
      return (await import('./credentials-command.js')).runCredentialsCommand(rest, io);
    case 'token':
      return (await import('./token-command.js')).runTokenCommand(rest, io);
    case 'doctor':
      return (await import('./doctor-command.js')).runDoctorCommand(rest, io);
    case '--version':
    case '-v':
    case 'version':
      io.stdout(`${packageVersion()}\n`);
      return 0;
  }
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
