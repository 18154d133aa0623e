/**
 * Redaction of what AWS sends back: messages are quoted in {@link TipError} messages and details, and the
 * SDK error itself is kept as `cause` only as a redacted copy. Secrets are recognized by what they are —
 * the secret values of the call itself, JOSE objects (JWTs), values of fields named like secrets, AWS
 * access keys and session tokens — so that ARNs, table, bucket and user names stay readable.
 *
 * @module
 */
import { isTipError } from '../errors.js';

const REDACTED = '[redacted]';
/** Longest part of an AWS message read, in characters. */
const MAX_INPUT = 4096;
/** Longest redacted message kept, in characters. */
const MAX_OUTPUT = 300;
/** Secrets shorter than this are not searched for: they would blank ordinary words. */
const MIN_SECRET = 6;
/** A run this long that begins or ends with a piece of a known secret is the (cut) secret. */
const FRAGMENT = 12;

/**
 * A candidate JOSE object: a base64url segment starting like the encoding of `{` followed by `"` or
 * whitespace, with any further dot-separated segments (JWS, JWE, or a lone header or payload).
 */
const JOSE = /e[wy][A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*)*/g;

/** `Value '…' at '<member>'`, the wording of AWS validation errors. */
const VALIDATION_VALUE = /(Value\s+)(['"])(.*?)\2(\s+at\s+['"]([^'"]*)['"])/g;

/** Names of members and parameters whose values are secret (as regular-expression alternatives). */
const SECRET_NAMES =
  'assertion|token|secret|passw(?:or)?d|passphrase|credential|signature|context|verifier|api[_-]?key|private[_-]?key|access[_-]?key';
const SECRET_NAME = new RegExp(SECRET_NAMES, 'i');

/**
 * `name=value`, `name: value`, `"name":"value"` where the name is a secret's. Name parts are bounded, so
 * a long run of name characters costs linear time.
 */
const NAMED_VALUE = new RegExp(
  `([A-Za-z0-9_$.-]{0,64}(?:${SECRET_NAMES})[A-Za-z0-9_.-]{0,64})(["']?\\s*[:=]\\s*)("[^"]*"|'[^']*'|[^\\s,;&)\\]}"']+)`,
  'gi',
);

/** AWS access key ids and the base64 session tokens STS issues (by their fixed leading bytes). */
const AWS_SECRET_SHAPES = [
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|AgoJb3JpZ2lu)[A-Za-z0-9+/=]*/g,
];

/** Runs of characters that can belong to a token, for finding pieces of known secrets. */
const RUN = /[^\s'"`<>,;()[\]{}]+/g;

/**
 * The start of a JSON object as a JOSE header or payload begins: `{`, optional whitespace, and a member
 * name of printable ASCII up to its closing quote (or to the end of the decoded prefix). Words that only
 * happen to decode to `{` and `"` (a user name such as `ewwi…`) continue with bytes no member name holds.
 */
const JSON_OBJECT_START = /^\{\s*"[\x20\x21\x23-\x7e]*(?:"|$)/;

/** True when the first segment of `candidate` decodes to the start of a JSON object with a member. */
function isJoseSegment(candidate: string): boolean {
  const dot = candidate.indexOf('.');
  const first = dot < 0 ? candidate : candidate.slice(0, dot);
  return JSON_OBJECT_START.test(Buffer.from(first.slice(0, 64), 'base64url').toString('latin1'));
}

function usableSecrets(secrets: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const s of secrets) if (typeof s === 'string' && s.length >= MIN_SECRET) out.push(s);
  // Longest first, so a secret that contains another is removed whole.
  return out.sort((a, b) => b.length - a.length);
}

function isSecretPiece(run: string, secrets: readonly string[]): boolean {
  if (run.length < FRAGMENT) return false;
  const head = run.slice(0, FRAGMENT);
  const tail = run.slice(-FRAGMENT);
  return secrets.some((s) => s.includes(head) || s.includes(tail));
}

/**
 * An AWS message with every secret replaced by `[redacted]`, capped at 300 characters. ARNs, account
 * ids, request ids and resource names are kept.
 *
 * @param message - The message (untrusted; anything that is not a string gives `''`).
 * @param secrets - Secret values of the call (the assertion, identity context, refresh token…); they
 *   are removed wherever they appear, and so is any run that begins or ends with 12 characters of one.
 */
export function redactAwsMessage(message: unknown, secrets: readonly unknown[] = []): string {
  if (typeof message !== 'string' || message.length === 0) return '';
  // Redacted before the cap: a secret cut by the cap could leave a piece too short to be recognized.
  let text = message.slice(0, MAX_INPUT);
  const known = usableSecrets(secrets);
  for (const secret of known) text = text.split(secret).join(REDACTED);
  text = text.replace(JOSE, (m) => (isJoseSegment(m) ? REDACTED : m));
  text = text.replace(
    VALIDATION_VALUE,
    (m, lead: string, q: string, _v: string, rest: string, member: string) =>
      SECRET_NAME.test(member) ? `${lead}${q}${REDACTED}${q}${rest}` : m,
  );
  text = text.replace(NAMED_VALUE, (_m, name: string, sep: string, value: string) => {
    const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
    return `${name}${sep}${quote}${REDACTED}${quote}`;
  });
  for (const shape of AWS_SECRET_SHAPES) text = text.replace(shape, REDACTED);
  if (known.length > 0) text = text.replace(RUN, (run) => (isSecretPiece(run, known) ? REDACTED : run));
  return text.slice(0, MAX_OUTPUT);
}

/** What a redacted copy keeps of an SDK error's `$metadata`. */
const METADATA_FIELDS = [
  'httpStatusCode',
  'requestId',
  'extendedRequestId',
  'cfId',
  'attempts',
  'totalRetryDelay',
];

/** Fields of SDK errors worth keeping (sso-oidc's OAuth members, the wrong-region hints, Node's `code`). */
const STRING_FIELDS = ['code', 'error', 'error_description', 'reason', 'region', 'endpoint'];

/**
 * The `cause` of a {@link TipError} mapped from an AWS error: the SDK error's name, redacted message,
 * `$fault`, `$metadata` and OAuth fields, and its stack frames — nothing the AWS answer or the request
 * carried besides. `name` stays the AWS error code (e.g. `AccessDeniedException`).
 */
export class RedactedAwsError extends Error {
  /** `client` or `server`, as the SDK reported it. */
  readonly $fault?: string;
  /** Non-secret response metadata: status, request ids, attempts. */
  readonly $metadata?: Readonly<Record<string, string | number>>;
  readonly [field: string]: unknown;

  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function safeName(value: unknown): string {
  return typeof value === 'string' && /^[\w.:-]{1,100}$/.test(value) ? value : 'Error';
}

function framesOf(stack: unknown): string {
  if (typeof stack !== 'string') return '';
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 20)
    .map((line) => `\n${line.slice(0, 300)}`)
    .join('');
}

/**
 * A copy of an error thrown by an AWS SDK call that is safe to keep as `cause`: see {@link RedactedAwsError}.
 * TipErrors are returned as they are (they hold no secret); strings are redacted; other primitives are
 * kept; `undefined` stays `undefined`.
 *
 * @param error - What the SDK threw (untrusted shape).
 * @param secrets - Secret values of the call, as for {@link redactAwsMessage}.
 */
export function redactAwsError(error: unknown, secrets: readonly unknown[] = []): unknown {
  if (typeof error === 'string') return redactAwsMessage(error, secrets);
  if (typeof error !== 'object' || error === null || isTipError(error)) return error;
  const e = error as Record<string, unknown>;
  const name = safeName(e.name);
  const copy = new RedactedAwsError(name, redactAwsMessage(e.message, secrets));
  const fields = copy as unknown as Record<string, unknown>;
  if (e.$fault === 'client' || e.$fault === 'server') fields.$fault = e.$fault;
  const metadata = e.$metadata;
  if (typeof metadata === 'object' && metadata !== null) {
    const kept: Record<string, string | number> = {};
    for (const key of METADATA_FIELDS) {
      const value = (metadata as Record<string, unknown>)[key];
      if (typeof value === 'number') kept[key] = value;
      else if (typeof value === 'string') kept[key] = redactAwsMessage(value, secrets);
    }
    fields.$metadata = Object.freeze(kept);
  }
  for (const key of STRING_FIELDS) {
    const value = e[key];
    if (typeof value === 'string') fields[key] = redactAwsMessage(value, secrets);
  }
  copy.stack = `${name}: ${copy.message}${framesOf(e.stack)}`;
  return copy;
}
