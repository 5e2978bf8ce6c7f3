import type { WindowStats } from '../domain';

/** HTTP client of the model server's admin API (route and stats), used by the deployment activities. */
export class ModelServerError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ModelServerError';
  }
}

export interface ServerRoute {
  readonly model: string;
  readonly stable: number;
  readonly candidate: number | null;
  readonly mode: 'canary' | 'shadow' | null;
  readonly percent: number;
  readonly routedAt: string;
}

export interface RouteChange {
  readonly stable: number;
  readonly candidate?: number;
  readonly mode?: 'canary' | 'shadow';
  readonly percent?: number;
}

export class ModelServerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(method: 'GET' | 'PUT', path: string, what: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ModelServerError(`model server at ${this.baseUrl} is unreachable: ${(err as Error).message}`, null);
    }
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new ModelServerError(`model server refused to ${what}: ${res.status} ${String(answer['message'] ?? '')}`, res.status);
    return answer as T;
  }

  private path(model: string, rest: string): string {
    return `/admin/models/${encodeURIComponent(model)}/${rest}`;
  }

  /** Sets a model's traffic split; the server loads and warms the versions named before switching. */
  route(model: string, change: RouteChange): Promise<ServerRoute> {
    return this.call('PUT', this.path(model, 'route'), `route ${model} to ${JSON.stringify(change)}`, change);
  }

  /** Per-version measurements since the given time. */
  stats(model: string, since: string): Promise<WindowStats> {
    return this.call('GET', `${this.path(model, 'stats')}?since=${encodeURIComponent(since)}`, `report stats of ${model}`);
  }
}
