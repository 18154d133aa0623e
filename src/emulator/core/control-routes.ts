/**
 * The emulator's control routes, for test drivers in another process (a Python or shell suite against
 * `tip-sdk emulator`) that cannot reach `emulator.clock` or `emulator.faults` in code:
 *
 * - `POST /_emulator/clock` with `{"advanceMs": n}`, `{"setEpochMs": n}` or `{"reset": true}` moves the
 *   emulator clock (token, context and session expiry); answers `{"now": epochMs}`.
 * - `POST /_emulator/faults` with a fault rule (`operation`, and `throttle`, `status5xx`, `latencyMs`,
 *   `error: {code, message, status}`, `times`) adds it as `faults.inject` does; answers `{"active": n}`.
 *   `DELETE /_emulator/faults` removes every rule.
 *
 * No AWS client sends these: S3 bucket names cannot start with `_`, and no other emulated service has a
 * path under `/_emulator/`. Development only, guarded like the IdP's `/dev/token`: a loopback Host only
 * (a page reached through a rebound host name is refused), a JSON body for POST (a plain HTML form
 * cannot send one, and a cross-origin JSON POST or DELETE needs a CORS preflight the routes never
 * grant), bodies up to 4 KiB. Errors are JSON `{"error": "invalid_request", "error_description"}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorClock } from './clock.js';
import { isJsonRequest, isLoopbackHost, readSmallBody } from './dev-request.js';
import type { FaultSpec, Faults } from './faults.js';

/** The prefix of every control route. */
export const CONTROL_PREFIX = '/_emulator/';

/** Largest accepted body, bytes. */
const MAX_BODY = 4096;

/** What the routes drive. */
export interface ControlTargets {
  readonly clock: EmulatorClock;
  readonly faults: Faults;
}

/** A refusal: HTTP status and the description sent back. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function jsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!isJsonRequest(req)) throw new Refusal(415, 'The body must be JSON (content-type: application/json).');
  const text = await readSmallBody(req, MAX_BODY);
  if (text === undefined) throw new Refusal(413, 'The body is larger than 4 KiB.');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Refusal(400, 'The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Refusal(400, 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function onlyMembers(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).find((k) => !known.includes(k));
  if (unknown !== undefined) {
    throw new Refusal(400, `Unknown member ${JSON.stringify(unknown)} (known: ${known.join(', ')}).`);
  }
}

/** Milliseconds a clock may be moved in one call: ±10 years. */
const MAX_SHIFT_MS = 10 * 365 * 24 * 3600 * 1000;

function moveClock(clock: EmulatorClock, body: Record<string, unknown>): void {
  onlyMembers(body, ['advanceMs', 'setEpochMs', 'reset']);
  const given = Object.keys(body);
  if (given.length !== 1) {
    throw new Refusal(400, 'Give exactly one of "advanceMs", "setEpochMs" or "reset": true.');
  }
  const { advanceMs, setEpochMs, reset } = body;
  if (reset !== undefined) {
    if (reset !== true) throw new Refusal(400, 'Member "reset" must be true.');
    clock.reset();
  } else if (advanceMs !== undefined) {
    if (!Number.isSafeInteger(advanceMs) || Math.abs(advanceMs as number) > MAX_SHIFT_MS) {
      throw new Refusal(
        400,
        'Member "advanceMs" must be an integer number of milliseconds within ±10 years.',
      );
    }
    clock.advance(advanceMs as number);
  } else {
    if (!Number.isSafeInteger(setEpochMs) || Math.abs((setEpochMs as number) - Date.now()) > MAX_SHIFT_MS) {
      throw new Refusal(400, 'Member "setEpochMs" must be epoch milliseconds within 10 years of now.');
    }
    clock.set(setEpochMs as number);
  }
}

const FAULT_MEMBERS = ['operation', 'latencyMs', 'throttle', 'status5xx', 'error', 'times'] as const;

function faultSpec(body: Record<string, unknown>): FaultSpec {
  onlyMembers(body, FAULT_MEMBERS);
  const { operation, latencyMs, throttle, status5xx, error, times } = body;
  if (typeof operation !== 'string' || operation.length === 0 || operation.length > 256) {
    throw new Refusal(400, 'Member "operation" must be `service:Operation`, `Operation` or `*`.');
  }
  if (throttle !== undefined && typeof throttle !== 'boolean') {
    throw new Refusal(400, 'Member "throttle" must be a boolean.');
  }
  if (times !== undefined && !(Number.isSafeInteger(times) && (times as number) >= 1)) {
    throw new Refusal(400, 'Member "times" must be a positive integer.');
  }
  for (const [name, value] of [
    ['latencyMs', latencyMs],
    ['status5xx', status5xx],
  ] as const) {
    if (value !== undefined && typeof value !== 'number') {
      throw new Refusal(400, `Member "${name}" must be a number.`);
    }
  }
  let fault: FaultSpec['error'];
  if (error !== undefined) {
    const e = error as Record<string, unknown>;
    if (
      typeof e !== 'object' ||
      e === null ||
      Array.isArray(e) ||
      Object.keys(e).some((k) => !['code', 'message', 'status'].includes(k)) ||
      typeof e.code !== 'string' ||
      typeof e.message !== 'string' ||
      typeof e.status !== 'number' ||
      e.code.length > 256 ||
      e.message.length > 1024
    ) {
      throw new Refusal(
        400,
        'Member "error" must be {"code": string, "message": string, "status": 400..599}.',
      );
    }
    fault = { code: e.code, message: e.message, status: e.status };
  }
  return {
    operation,
    ...(latencyMs === undefined ? {} : { latencyMs: latencyMs as number }),
    ...(throttle === undefined ? {} : { throttle }),
    ...(status5xx === undefined ? {} : { status5xx: status5xx as number }),
    ...(fault === undefined ? {} : { error: fault }),
    ...(times === undefined ? {} : { times: times as number }),
  };
}

async function route(
  path: string,
  req: IncomingMessage,
  targets: ControlTargets,
): Promise<Record<string, unknown>> {
  const method = req.method ?? 'GET';
  if (path === `${CONTROL_PREFIX}clock`) {
    if (method !== 'POST') throw new Refusal(405, 'Method not allowed: POST a JSON body.');
    moveClock(targets.clock, await jsonObject(req));
    return { now: targets.clock.now() };
  }
  if (path === `${CONTROL_PREFIX}faults`) {
    if (method === 'DELETE') {
      req.resume();
      targets.faults.clear();
    } else if (method === 'POST') {
      const spec = faultSpec(await jsonObject(req));
      try {
        targets.faults.inject(spec);
      } catch (err) {
        throw new Refusal(400, (err as Error).message);
      }
    } else throw new Refusal(405, 'Method not allowed: POST a JSON fault rule, or DELETE.');
    return { active: targets.faults.active };
  }
  throw new Refusal(
    404,
    `No control route ${path} (known: ${CONTROL_PREFIX}clock, ${CONTROL_PREFIX}faults).`,
  );
}

/** Serves one request whose path starts with {@link CONTROL_PREFIX}. Never rejects. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  targets: ControlTargets,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  try {
    if (!isLoopbackHost(req.headers.host)) {
      throw new Refusal(403, 'The control routes answer loopback hosts only.');
    }
    reply(res, 200, await route(path, req, targets));
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const refusal = err instanceof Refusal ? err : new Refusal(500, 'The control route failed.');
    if (refusal.status === 405) res.setHeader('allow', path.endsWith('/clock') ? 'POST' : 'POST, DELETE');
    if (!req.readableEnded) req.resume();
    reply(res, refusal.status, { error: 'invalid_request', error_description: refusal.message });
  }
}

/** Wraps the emulator's request listener: requests under {@link CONTROL_PREFIX} go to the control routes. */
export function withControlRoutes(
  targets: ControlTargets,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if ((req.url ?? '/').startsWith(CONTROL_PREFIX)) void handleControl(req, res, targets);
    else next(req, res);
  };
}
