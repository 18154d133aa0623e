/**
 * `createObservability()`: one object that turns the core's events into OpenTelemetry spans, metrics and
 * audit records, wraps a trusted identity with a `tip.forToken` span, observes SDK clients acting as a
 * user, and counts HTTP authentications.
 *
 * @module
 */
import { isTipError } from '../errors.js';
import type { HttpAuthRecord } from '../http/authenticate.js';
import type { ServiceEvent, ServiceIdentity } from '../services/context.js';
import type { TipEvent, TipEventSink, TipLogger } from '../session/events.js';
import { registerWarmSession, warmSessionOf } from '../session/warm-session.js';
import type { ForTokenOptions, TrustedIdentity, UserSession } from '../tip.js';
import type { AuditRecord, AuditSink } from './audit.js';
import { type SdkClientLike, addCallObserver } from './aws-client.js';
import {
  type MetricAttributes,
  type MetricsRecorder,
  type MetricsRegistry,
  createMetricsRegistry,
  fanOut,
  meterRecorder,
} from './metrics.js';
import type { OtelApi, OtelMeterProvider, OtelTracerProvider } from './otel-types.js';
import { coreEventHandler } from './core-events.js';
import { serviceEventHandler } from './service-events.js';
import type { Signals } from './signals.js';
import { type ForTokenScope, createTracing, runInScope, setOutcome } from './tracing.js';

const VERSION = '0.1.0';

/** Options of {@link createObservability}. Every field is optional. */
export interface ObservabilityOptions {
  /**
   * The `@opentelemetry/api` module (`import * as otel from '@opentelemetry/api'` or
   * `await loadOpenTelemetry()`). Without it no spans are made and no OTel metrics are sent. Default none.
   */
  readonly otel?: OtelApi;
  /** The tracer provider. Default: `otel.trace.getTracerProvider()` (the global one). */
  readonly tracerProvider?: OtelTracerProvider;
  /** The meter provider; `null` keeps metrics in process only. Default: `otel.metrics.getMeterProvider()`. */
  readonly meterProvider?: OtelMeterProvider | null;
  /** The in-process registry to record into. Default: a new one (see {@link Observability.metrics}). */
  readonly metrics?: MetricsRegistry;
  /** A pino/console-shaped logger, handed to the core through {@link Observability.logger}. Default silent. */
  readonly logger?: TipLogger;
  /** Receives one audit record per AWS call made for a user. Default none. */
  readonly audit?: AuditSink;
  /** Your own event sink; every core event is forwarded to it. Default none. */
  readonly events?: TipEventSink;
}

/** The object returned by {@link createObservability}. */
export interface Observability {
  /** Pass as `events` to `createTrustedIdentity`. */
  readonly events: (event: TipEvent) => void;
  /** Pass as `logger` to `createTrustedIdentity` (the logger given in the options, or `undefined`). */
  readonly logger: TipLogger | undefined;
  /** The in-process metrics registry (`snapshot()` for a metrics route or tests). */
  readonly metrics: MetricsRegistry;
  /**
   * Pass as `serviceEvents` to `createTrustedIdentity`: each Athena or Redshift query run through
   * `session.athena` / `session.redshift` becomes a span, call metrics and an audit record; S3 Access
   * Grants credential lookups are counted.
   */
  readonly serviceEvents: (event: ServiceEvent, identity: ServiceIdentity) => void;
  /** Pass as `observe` to `tipMiddleware` / `tipPlugin`: counts HTTP authentications by outcome and status. */
  readonly http: (record: HttpAuthRecord) => void;
  /**
   * Wraps `tip` so each `forToken` makes a `tip.forToken` span (parent of `tip.exchange`/`tip.assumeRole`)
   * and metrics. The HTTP adapters keep their synchronous answer to a warm request through the wrapper: it
   * is recorded as a `forToken` cache hit (same counters, duration and span).
   */
  instrument<T extends Pick<TrustedIdentity, 'forToken'>>(tip: T): T;
  /** Observes every call `client` makes as the session's user: a span, metrics and an audit record. Returns `client`. */
  instrumentClient<C extends SdkClientLike>(client: C, session: Pick<UserSession, 'identity'>): C;
}

/**
 * Attributes of the measurements every call makes, frozen once: the registry keys a frozen object once
 * (see metrics.ts), so the hot path builds no attribute object and no series key.
 */
const SUCCESS: MetricAttributes = Object.freeze({ outcome: 'success' });
const FAILURE: MetricAttributes = Object.freeze({ outcome: 'failure' });
/** `tip.for_token.requests` attributes of a served call, by cache decision. */
const SERVED: Readonly<Record<'hit' | 'miss' | 'shared', MetricAttributes>> = Object.freeze({
  hit: Object.freeze({ outcome: 'success', cache: 'hit' }),
  miss: Object.freeze({ outcome: 'success', cache: 'miss' }),
  shared: Object.freeze({ outcome: 'success', cache: 'shared' }),
});

/** `tip.http.*` attributes of the requests answered 200 without a code, by outcome. */
const HTTP_SERVED: Readonly<
  Partial<Record<HttpAuthRecord['outcome'], { requests: MetricAttributes; duration: MetricAttributes }>>
> = Object.freeze({
  authenticated: Object.freeze({
    requests: Object.freeze({ outcome: 'authenticated', status: 200 }),
    duration: Object.freeze({ outcome: 'authenticated' }),
  }),
  anonymous: Object.freeze({
    requests: Object.freeze({ outcome: 'anonymous', status: 200 }),
    duration: Object.freeze({ outcome: 'anonymous' }),
  }),
});

function deliver(sink: TipEventSink | undefined, event: TipEvent): void {
  if (sink === undefined) return;
  try {
    if (typeof sink === 'function') sink(event);
    else sink.emit(event.type, event);
  } catch {
    // A faulty listener must not break credential resolution.
  }
}

/**
 * Creates the observability layer.
 *
 * @example
 * ```ts
 * const obs = createObservability({ otel: await loadOpenTelemetry(), logger: pino(), audit: (r) => auditLog.write(r) });
 * const tip = obs.instrument(
 *   createTrustedIdentity({ ...options, events: obs.events, serviceEvents: obs.serviceEvents, logger: obs.logger }),
 * );
 * app.use(tipMiddleware(tip, { observe: obs.http }));
 * ```
 */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  const { otel, audit } = options;
  const metrics = options.metrics ?? createMetricsRegistry();
  const meterProvider =
    options.meterProvider === null ? undefined : (options.meterProvider ?? otel?.metrics.getMeterProvider());
  const recorder: MetricsRecorder =
    meterProvider === undefined
      ? metrics
      : fanOut([metrics, meterRecorder(meterProvider.getMeter('tip-sdk', VERSION))]);
  const tracing = createTracing(otel, options.tracerProvider, VERSION);

  function writeAudit(record: Omit<AuditRecord, 'time'>): void {
    if (audit === undefined) return;
    try {
      audit({ time: new Date().toISOString(), ...record });
    } catch {
      // An audit sink that throws must not fail the user's request.
    }
  }

  const signals: Signals = { recorder, tracing, writeAudit };
  const onEvent = coreEventHandler(signals);

  const events = (event: TipEvent): void => {
    try {
      onEvent(event);
    } catch {
      // Observability must never break credential resolution.
    }
    deliver(options.events, event);
  };

  function instrument<T extends Pick<TrustedIdentity, 'forToken'>>(tip: T): T {
    const forToken = async (jwt: string, opts?: ForTokenOptions): Promise<UserSession> => {
      const scope: ForTokenScope = tracing?.startScope('tip.forToken', {}) ?? {
        span: undefined,
        context: undefined,
        cache: undefined,
      };
      const t0 = performance.now();
      let code: string | undefined;
      let session: UserSession | undefined;
      try {
        session = await runInScope(scope, () => tip.forToken(jwt, opts));
        return session;
      } catch (error) {
        code = isTipError(error) ? error.code : 'ERR_INTERNAL';
        throw error;
      } finally {
        const outcome = code === undefined ? 'success' : 'failure';
        const cache = scope.cache ?? (code === undefined ? 'shared' : undefined);
        recorder.count(
          'tip.for_token.requests',
          code === undefined && cache !== undefined
            ? SERVED[cache]
            : { outcome, ...(code ? { code } : {}), ...(cache ? { cache } : {}) },
        );
        recorder.record(
          'tip.for_token.duration',
          performance.now() - t0,
          code === undefined ? SUCCESS : FAILURE,
        );
        const span = scope.span;
        if (span !== undefined) {
          if (session !== undefined) {
            span.setAttribute('tip.issuer', session.identity.issuer);
            span.setAttribute('tip.idc_user_id', session.identity.idcUserId);
          }
          if (cache !== undefined) span.setAttribute('tip.cache', cache);
          setOutcome(span, code);
          span.end();
        }
      }
    };
    // A new object, not a Proxy: the trusted identity is frozen, and getters (cachedUsers) stay live.
    // Symbol keys too: `Symbol.asyncDispose` keeps `await using` working on the wrapped object.
    const wrapped: Record<PropertyKey, unknown> = { forToken };
    for (const key of Reflect.ownKeys(tip)) {
      if (key === 'forToken') continue;
      Object.defineProperty(wrapped, key, {
        enumerable: true,
        get: () => {
          const value = (tip as Record<PropertyKey, unknown>)[key];
          return typeof value === 'function' ? value.bind(tip) : value;
        },
      });
    }
    const instrumented = Object.freeze(wrapped);
    // The HTTP adapters answer a resent token whose credentials are held without a promise: the wrapper
    // keeps that path (for a trusted identity that has one) and records what `forToken` records for a hit.
    registerWarmSession(instrumented, (jwt) => {
      const t0 = performance.now();
      const session = warmSessionOf(tip, jwt);
      if (session === undefined) return undefined;
      try {
        const durationMs = performance.now() - t0;
        recorder.count('tip.for_token.requests', SERVED.hit);
        recorder.record('tip.for_token.duration', durationMs, SUCCESS);
        tracing?.finished(
          'tip.forToken',
          Date.now() - durationMs,
          {
            'tip.issuer': session.identity.issuer,
            'tip.idc_user_id': session.identity.idcUserId,
            'tip.cache': 'hit',
          },
          undefined,
          0,
        );
      } catch {
        // Observability must never break a request the cache can answer.
      }
      return session;
    });
    return instrumented as T;
  }

  function instrumentClient<C extends SdkClientLike>(client: C, session: Pick<UserSession, 'identity'>): C {
    const { issuer, subject, idcUserId } = session.identity;
    return addCallObserver(client, (service, operation) => {
      const span = tracing?.start(
        `${service}.${operation}`,
        {
          'rpc.system': 'aws-api',
          'rpc.service': service,
          'rpc.method': operation,
          'tip.issuer': issuer,
          'tip.idc_user_id': idcUserId,
        },
        2,
      );
      return (call) => {
        const outcome = call.errorCode === undefined ? 'success' : 'failure';
        recorder.count('tip.aws.calls', {
          service,
          operation,
          outcome,
          ...(call.errorCode ? { code: call.errorCode } : {}),
        });
        recorder.record('tip.aws.call.duration', call.durationMs, { service, operation, outcome });
        if (span !== undefined) {
          if (call.requestId !== undefined) span.setAttribute('aws.request_id', call.requestId);
          setOutcome(span, call.errorCode);
          span.end();
        }
        writeAudit({
          who: { issuer, subject, idcUserId },
          service,
          operation,
          ...(call.resource === undefined ? {} : { resource: call.resource }),
          outcome,
          ...(call.errorCode === undefined ? {} : { code: call.errorCode }),
          ...(call.requestId === undefined ? {} : { requestId: call.requestId }),
          durationMs: call.durationMs,
        });
      };
    });
  }

  const onServiceEvent = serviceEventHandler(signals);

  const serviceEvents = (event: ServiceEvent, identity: ServiceIdentity): void => {
    try {
      onServiceEvent(event, identity);
    } catch {
      // Observability must never break a query.
    }
  };

  const http = (record: HttpAuthRecord): void => {
    try {
      const served =
        record.code === undefined && record.status === 200 ? HTTP_SERVED[record.outcome] : undefined;
      recorder.count(
        'tip.http.requests',
        served?.requests ?? {
          outcome: record.outcome,
          status: record.status,
          ...(record.code ? { code: record.code } : {}),
        },
      );
      recorder.record(
        'tip.http.auth.duration',
        record.durationMs,
        served?.duration ?? { outcome: record.outcome },
      );
    } catch {
      // Never break request handling.
    }
  };

  return Object.freeze({
    events,
    serviceEvents,
    logger: options.logger,
    metrics,
    http,
    instrument,
    instrumentClient,
  });
}
