/** HTTP client of the model server's admin API, used by the deploy activity. */
export class ModelServerError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ModelServerError';
  }
}

export class ModelServerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Asks the server to load a registered version and route the model's traffic to it. */
  async load(modelName: string, version: number): Promise<{ model: string; version: number; loadedAt: string }> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/admin/models/${encodeURIComponent(modelName)}/load`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.adminToken}` },
        body: JSON.stringify({ version }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ModelServerError(`model server at ${this.baseUrl} is unreachable: ${(err as Error).message}`, null);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new ModelServerError(`model server refused to load ${modelName}@${version}: ${res.status} ${String(body['message'] ?? '')}`, res.status);
    return body as { model: string; version: number; loadedAt: string };
  }
}
