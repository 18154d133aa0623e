/** A scriptable `fetch` for cache tests: counts calls per URL and answers from a mutable route table. */
import type { FetchLike } from '../../src/index.js';

export type Route = (init: RequestInit) => Response | Promise<Response>;

export interface FakeFetch {
  readonly fetch: FetchLike;
  readonly calls: string[];
  readonly routes: Map<string, Route>;
  count(url: string): number;
}

export function fakeFetch(routes: Record<string, Route> = {}): FakeFetch {
  const table = new Map(Object.entries(routes));
  const calls: string[] = [];
  return {
    calls,
    routes: table,
    count: (url) => calls.filter((c) => c === url).length,
    fetch: async (url, init) => {
      calls.push(url);
      const route = table.get(url);
      if (route === undefined) throw new TypeError(`fetch failed: no route for ${url}`);
      return route(init);
    },
  };
}

export const json =
  (body: unknown, status = 200): Route =>
  () =>
    Response.json(body, { status });

/** Never answers; rejects when the request's signal aborts (as a real fetch does on timeout). */
export const hang: Route = (init) =>
  new Promise<Response>((_, reject) => {
    init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
  });

/** A deferred answer, released by the test. */
export function deferred(): { route: Route; release: (r: Response) => void } {
  let release!: (r: Response) => void;
  const p = new Promise<Response>((resolve) => {
    release = resolve;
  });
  return { route: () => p, release };
}

/** Lets pending promise callbacks and background refreshes (body reads included) run to completion. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 2));
}
