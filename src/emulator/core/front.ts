/**
 * The front: serves one request exchange for every emulated service, whatever carries it (`node:http`
 * in `node-front.ts`, a Fetch `Request` in `fetch-front.ts`). It buffers the body (bounded), routes to a
 * service, authenticates SigV4, resolves the operation, applies counters, faults and the front-level
 * authorization, calls the handler, and encodes the answer in the service's protocol. Every failure becomes
 * that service's real AWS error; nothing a client sends crashes it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AuditLogWriter, type RequestScope, requestScope } from './audit-log.js';
import { type HttpReply, encodeError, encodeSuccess, jsonStringify, unknownServiceReply } from './codecs.js';
import type { CountersWriter } from './counters.js';
import { type FaultsController, faultError } from './faults.js';
import { mistypedMember } from './input-shapes.js';
import { authenticate } from './authenticate.js';
import { SERVICE_PROFILES, frontError } from './profiles.js';
import { pathStylePath } from './aws-hosts.js';
import { maxObjectBytes, tooLarge } from './limits.js';
import {
  InputError,
  type QueryForm,
  isPayloadOperation,
  parseInput,
  parseQuery,
  readQueryForm,
  resolveOperation,
  routeQueryForm,
  routeService,
} from './route.js';
import type { EmulatorRuntimeInternal } from './runtime.js';
import { AwsServiceError, type RawRequest, type ServiceModule, type ServiceName } from './types.js';
import type { WorkTracker } from './work.js';

/** What the front needs. */
export interface FrontInit {
  readonly runtime: EmulatorRuntimeInternal;
  /** Service modules by name; a missing one answers its unknown-operation error. */
  readonly modules: ReadonlyMap<ServiceName, ServiceModule>;
  readonly counters: CountersWriter;
  readonly faults: FaultsController;
  readonly audit: AuditLogWriter;
  /** Called with errors a handler threw that are not AwsServiceError (answered as the internal error). */
  readonly onInternalError?: (error: unknown, service: ServiceName, operation: string) => void;
  /**
   * In-flight requests; once its signal is aborted (the emulator stops) new requests are dropped, a
   * request asleep in injected latency is dropped at once, and no handler starts.
   */
  readonly work?: WorkTracker;
}

/**
 * One request as the front sees it, whatever carried it: a `node:http` exchange or a Fetch `Request`
 * (see `fetch-front.ts`).
 */
export interface FrontExchange {
  readonly method: string;
  /** Path and query as sent and signed, e.g. `/token?aws_iam=t`. */
  readonly url: string;
  /** Lower-cased header names with every value received. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  /**
   * The path the service modules see when it differs from the signed one (a virtual-hosted S3 request
   * rewritten to path style). SigV4 is always verified against `url`. Default: the path of `url`.
   */
  readonly routePath?: string;
  /** The body up to `limit` bytes; undefined when larger (the rest is dropped). */
  readBody(limit: number): Promise<Buffer | undefined>;
  /** Drops a body that will not be read. */
  discardBody(): void;
  /** Writes the answer, once; `close` asks not to reuse the connection. */
  send(reply: HttpReply, close: boolean): void;
  /** Ends an exchange whose answer failed half-way. */
  abort(): void;
}

/** Headers that must appear at most once: a repeat would make signing and routing ambiguous. */
const SINGLE_HEADERS = [
  'authorization',
  'host',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-target',
  'content-type',
  'content-length',
  'content-encoding',
];

/** Lower-cased single-valued headers, and the names that were repeated. */
function collectHeaders(distinct: FrontExchange['headers']): {
  headers: Record<string, string>;
  repeated: string[];
} {
  const headers: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, values] of Object.entries(distinct)) {
    if (!values || values.length === 0) continue;
    if (values.length > 1 && SINGLE_HEADERS.includes(name)) repeated.push(name);
    headers[name] = values.join(',');
  }
  return { headers, repeated };
}

/**
 * Serves one exchange: the whole front (routing, SigV4, counters, faults, authorization, handler, codec).
 * Never rejects: a failure of the front itself is answered 500, or aborts an answer already begun.
 */
export function serveExchange(init: FrontInit, exchange: FrontExchange): Promise<void> {
  if (init.work?.signal.aborted) {
    exchange.abort();
    return Promise.resolve();
  }
  const scope: RequestScope = {
    requestId: randomUUID(),
    service: undefined,
    operation: undefined,
    callerArn: undefined,
    idcUser: undefined,
  };
  let sent = false;
  const once: FrontExchange = {
    ...exchange,
    send(reply, close) {
      sent = true;
      exchange.send(reply, close);
    },
  };
  const served = requestScope.run(scope, () =>
    serve(init, once, scope).catch(() => {
      if (!sent && !init.work?.signal.aborted) {
        once.send(
          {
            status: 500,
            headers: { 'content-type': 'application/json', 'x-amzn-requestid': scope.requestId },
            body: jsonStringify({
              __type: 'InternalFailure',
              message: 'The emulator failed to serve the request.',
            }),
          },
          false,
        );
      } else exchange.abort();
    }),
  );
  return init.work ? init.work.track(served) : served;
}

async function serve(init: FrontInit, exchange: FrontExchange, scope: RequestScope): Promise<void> {
  const { runtime } = init;
  const { config } = runtime;
  const requestId = scope.requestId;
  const url = exchange.url;
  const qIndex = url.indexOf('?');
  const path = qIndex < 0 ? url : url.slice(0, qIndex);
  const search = qIndex < 0 ? '' : url.slice(qIndex + 1);
  const { headers, repeated } = collectHeaders(exchange.headers);

  // A malformed query string is answered once the service is known (the route reads `Action`).
  let query: ReturnType<typeof parseQuery> = { record: {}, multi: {} };
  let queryError: InputError | undefined;
  try {
    query = parseQuery(search);
  } catch (err) {
    queryError = err instanceof InputError ? err : new InputError('Malformed request.');
  }
  const route = routeService(headers, path, query.record);
  if ('unknown' in route) {
    exchange.discardBody();
    exchange.send(unknownServiceReply(route.unknown, requestId), false);
    return;
  }
  let service = route.service;
  scope.service = service;
  // S3 object bodies (PutObject, UploadPart) have their own, larger limit.
  const limit =
    service === 's3' ? Math.max(config.maxBodyBytes, maxObjectBytes(config)) : config.maxBodyBytes;
  const wire = await exchange.readBody(limit);
  // awsQuery: the form is the body, or the query string of a GET; its Version tells STS from Redshift.
  let form: QueryForm | undefined;
  let formError: InputError | undefined;
  if (SERVICE_PROFILES[service].protocol === 'awsQuery' && wire !== undefined) {
    try {
      form = readQueryForm(
        wire.length === 0 && query.record.Action !== undefined ? Buffer.from(search) : wire,
      );
      service = routeQueryForm(service, form);
      scope.service = service;
    } catch (err) {
      formError = err instanceof InputError ? err : new InputError('The form body cannot be decoded.');
    }
  }
  const profile = SERVICE_PROFILES[service];
  const module = init.modules.get(service);
  const xmlns = module?.xmlNamespace;
  const answerError = (error: AwsServiceError, close = false) => {
    if (scope.operation) init.counters.countError(`${service}:${scope.operation}`, error.code);
    exchange.send(encodeError(profile, xmlns, error, requestId), close);
  };
  if (wire === undefined) {
    answerError(tooLarge(service, limit), true);
    return;
  }
  if (repeated.length > 0) {
    answerError(
      frontError(service, 'incompleteSignature', `The header ${repeated[0]} appears more than once.`),
    );
    return;
  }
  if (queryError) {
    answerError(frontError(service, 'malformedBody', queryError.message));
    return;
  }

  // aws-chunked S3 uploads reach the S3 module as sent: it decodes them and checks their trailers.
  const body = wire;
  const signedRaw: RawRequest = Object.freeze({
    method: exchange.method,
    path,
    query: Object.freeze(query.record),
    headers: Object.freeze(headers),
    body,
    host: headers.host ?? '',
  });
  // Service modules see the path-style path; SigV4 is verified against the path as signed.
  const routePath =
    exchange.routePath ?? (route.bucket === undefined ? undefined : pathStylePath(route.bucket, path));
  const raw: RawRequest =
    routePath === undefined ? signedRaw : Object.freeze({ ...signedRaw, path: routePath });

  const operation = resolveOperation(service, raw, module, form);
  // Only payload operations may use the larger S3 object limit.
  if (body.length > config.maxBodyBytes && (operation === undefined || !isPayloadOperation(operation))) {
    answerError(tooLarge(service, config.maxBodyBytes), true);
    return;
  }

  // Own handlers only: `constructor`, `toString` and friends are not operations.
  const handler =
    operation === undefined || module === undefined || !Object.hasOwn(module.handlers, operation)
      ? undefined
      : module.handlers[operation];
  // A call of a served operation counts whatever happens next (authentication failures included).
  if (operation !== undefined && handler !== undefined) {
    scope.operation = operation;
    init.counters.countOperation(`${service}:${operation}`);
  }

  // Authentication.
  const authn = await authenticate(init, {
    service,
    operation,
    headers,
    signedRaw,
    query: query.multi,
    wire,
  });
  if (!authn.ok) {
    answerError(authn.error);
    return;
  }
  const caller = authn.caller;
  if (caller) {
    scope.callerArn = caller.arn;
    scope.idcUser = caller.identityContext?.userName;
    init.counters.countCaller(caller.arn, caller.identityContext?.userName);
  }

  if (formError) {
    answerError(frontError(service, 'malformedBody', formError.message));
    return;
  }
  if (operation === undefined || handler === undefined) {
    const shown = operation === undefined ? '' : ` ${operation.slice(0, 128)}`;
    answerError(
      frontError(
        service,
        'unknownOperation',
        profile.protocol === 'awsQuery'
          ? `Could not find operation${shown} for version ${form?.version ?? 'unknown'}`
          : `The emulator does not implement the operation${shown} of ${service}.`,
      ),
    );
    return;
  }

  let input: Record<string, unknown>;
  try {
    input = parseInput(service, raw, form, operation);
  } catch (err) {
    answerError(
      frontError(service, 'malformedBody', err instanceof InputError ? err.message : 'Malformed input.'),
    );
    return;
  }

  const fault = init.faults.take(service, operation);
  // Stopping the emulator rejects the sleep; the exchange is then dropped (see serveExchange).
  if (fault.latencyMs > 0)
    await sleep(fault.latencyMs, undefined, init.work ? { signal: init.work.signal } : {});
  const injected = faultError(service, fault);
  if (injected) {
    answerError(injected);
    return;
  }

  const mistyped = mistypedMember(module?.inputShapes?.[operation], input);
  if (mistyped) {
    answerError(frontError(service, 'malformedBody', mistyped));
    return;
  }

  if (caller) {
    const requests = module?.iamRequests?.(operation, input, raw) ?? [
      { action: `${profile.iamPrefix}:${operation}`, resource: '*' },
    ];
    for (const { action, resource } of requests) {
      const decision = runtime.authorize(caller, action, resource);
      if (!decision.allowed) {
        const on = resource === '*' ? '' : ` on resource: ${resource}`;
        answerError(
          frontError(
            service,
            'accessDenied',
            `User: ${caller.arn} is not authorized to perform: ${action}${on} because ${decision.reason}`,
          ),
        );
        return;
      }
    }
  }

  // A stopping emulator starts no handler.
  if (init.work?.signal.aborted) throw new Error('The emulator is stopping.');
  let reply: HttpReply;
  try {
    const output = await handler({
      service,
      operation,
      caller,
      input,
      raw,
      state: runtime,
      now: runtime.now(),
      requestId,
      audit(outcome, resource, reason) {
        init.audit.record({ resource, outcome, reason, action: undefined });
      },
    });
    reply = encodeSuccess(profile, xmlns, operation, output, requestId);
  } catch (err) {
    if (err instanceof AwsServiceError) {
      answerError(err);
      return;
    }
    init.onInternalError?.(err, service, operation);
    answerError(frontError(service, 'internal', 'We encountered an internal error. Please try again.'));
    return;
  }
  exchange.send(reply, false);
}
