/** SDK client bookkeeping and error capture for the end-to-end suites. */

/** What an SDK call failed with: the exception name, message and HTTP status. */
export interface SdkFailure {
  name: string;
  message: string;
  status?: number;
}

/** The failure of `promise` (fails the test when it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<SdkFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return {
      name: e.name,
      message: e.message,
      ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}),
    };
  }
  throw new Error('expected the call to fail');
}

/** Remembers SDK clients so a suite can destroy them all when it ends. */
export interface ClientTracker {
  /** Registers `client` and returns it. */
  track<T extends { destroy(): void }>(client: T): T;
  /** Destroys every registered client. */
  destroyAll(): void;
}

/** A new, empty {@link ClientTracker}. */
export function clientTracker(): ClientTracker {
  const clients: { destroy(): void }[] = [];
  return {
    track(client) {
      clients.push(client);
      return client;
    },
    destroyAll() {
      for (const c of clients.splice(0)) c.destroy();
    },
  };
}
