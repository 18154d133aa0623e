/**
 * The one-time warning that the embedded IdP signs with development keys.
 */

let warned = false;

/** The warning text (one line per sentence, so it stands out in logs). */
export const DEV_KEY_WARNING = [
  'tip-sdk WARNING: the embedded OIDC identity provider signs tokens with DEVELOPMENT keys generated at start.',
  'tip-sdk WARNING: these keys and this provider are for local development and tests only; NEVER use them in production.',
].join('\n');

/** Writes {@link DEV_KEY_WARNING} to stderr the first time it is called in this process. */
export function warnDevelopmentKeysOnce(): void {
  if (warned) return;
  warned = true;
  // Bold red on a terminal, plain text in logs and pipes.
  const text = process.stderr.isTTY ? `\x1b[31;1m${DEV_KEY_WARNING}\x1b[0m` : DEV_KEY_WARNING;
  process.stderr.write(`${text}\n`);
}
