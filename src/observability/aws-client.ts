/**
 * An AWS SDK v3 middleware that observes each call a client makes as a user: one span, call metrics and
 * one audit record per call (retries included). It reads the command input only for resource names
 * (bucket and key, workgroup, cluster, grant target, role ARN); never a query text, body or credential.
 *
 * @module
 */
import { isTipError } from '../errors.js';

/** Any AWS SDK v3 client (only its middleware stack is used). */
export interface SdkClientLike {
  /** The client's middleware stack; tip-sdk adds one `initialize`-step middleware to it. */
  readonly middlewareStack: {
    /** Adds `middleware` with `options`. Parameters are `never` so any SDK client's typed stack fits. */
    add(middleware: never, options: never): unknown;
  };
}

/** What the middleware reports for one call. */
export interface ObservedCall {
  /** `sts`, `athena`, `redshift-data`, `s3`, `s3-control`… */
  readonly service: string;
  /** `GetCallerIdentity`, `StartQueryExecution`… */
  readonly operation: string;
  readonly resource: string | undefined;
  /** The AWS error name or tip-sdk code, for failures. */
  readonly errorCode: string | undefined;
  readonly requestId: string | undefined;
  readonly startedAt: number;
  readonly durationMs: number;
}

/** Hooks of the middleware. `begin` returns the function called when the call ends. */
export type CallObserver = (service: string, operation: string) => (call: ObservedCall) => void;

/** `STSClient` → `sts`, `RedshiftDataClient` → `redshift-data`, `S3ControlClient` → `s3-control`. */
export function serviceName(clientName: unknown): string {
  if (typeof clientName !== 'string' || clientName.length === 0) return 'aws';
  return clientName
    .replace(/Client$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= 2048 ? v : undefined;

/** The resource a command acts on, from well-known input members. */
export function resourceOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const i = input as Record<string, unknown>;
  const bucket = str(i.Bucket);
  if (bucket !== undefined) {
    const rest = str(i.Key) ?? str(i.Prefix);
    return `s3://${bucket}${rest === undefined ? '' : `/${rest}`}`;
  }
  for (const name of [
    'Target',
    'S3Prefix',
    'WorkGroup',
    'WorkgroupName',
    'ClusterIdentifier',
    'RoleArn',
    'QueryExecutionId',
    'Id',
  ]) {
    const found = str(i[name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function errorCodeOf(error: unknown): string {
  if (isTipError(error)) return error.code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.length > 0 && name.length < 128 ? name : 'Error';
}

function requestIdOf(value: unknown): string | undefined {
  const id = (value as { $metadata?: { requestId?: unknown } } | null)?.$metadata?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/** Adds the observing middleware to `client` (idempotent: a second add replaces the first). */
export function addCallObserver<C extends SdkClientLike>(client: C, observe: CallObserver): C {
  type Ctx = { clientName?: unknown; commandName?: unknown };
  type Args = { input?: unknown };
  const middleware =
    (next: (args: Args) => Promise<{ output?: unknown }>, context: Ctx) => async (args: Args) => {
      const service = serviceName(context.clientName);
      const operation =
        typeof context.commandName === 'string' ? context.commandName.replace(/Command$/, '') : 'Unknown';
      const done = observe(service, operation);
      const startedAt = Date.now();
      const t0 = performance.now();
      const resource = resourceOf(args.input);
      try {
        const result = await next(args);
        done({
          service,
          operation,
          resource,
          errorCode: undefined,
          requestId: requestIdOf(result.output),
          startedAt,
          durationMs: performance.now() - t0,
        });
        return result;
      } catch (error) {
        done({
          service,
          operation,
          resource,
          errorCode: errorCodeOf(error),
          requestId: requestIdOf(error),
          startedAt,
          durationMs: performance.now() - t0,
        });
        throw error;
      }
    };
  (client.middlewareStack.add as unknown as (m: unknown, o: object) => void)(middleware, {
    step: 'initialize',
    name: 'tipSdkObservability',
    override: true,
  });
  return client;
}
