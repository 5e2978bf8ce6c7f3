export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

/** POSTs a JSON body; any non-2xx answer or network error is a `WebhookError` (the caller's retry policy decides). */
export async function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<{ status: number }> {
  const where = new URL(url).origin; // the path or query may carry a token: keep it out of errors and history
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new WebhookError(`webhook at ${where} unreachable: ${(err as Error).message}`, null);
  }
  await res.arrayBuffer(); // drain, so the connection is reused or closed cleanly
  if (!res.ok) throw new WebhookError(`webhook at ${where} answered ${res.status}`, res.status);
  return { status: res.status };
}
