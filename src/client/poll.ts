/** Sleeps for `ms` milliseconds. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `intervalMs` until `accept` holds for its value, then returns that value; after
 * `timeoutMs` throws an error with `timeoutMessage(last value)`. Probe errors propagate: catch them in the probe.
 */
export interface PollOptions<T> {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly timeoutMessage: (last: T) => string;
}

export async function pollUntil<T, U extends T>(probe: () => Promise<T>, accept: (value: T) => value is U, options: PollOptions<T>): Promise<U>;
export async function pollUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, options: PollOptions<T>): Promise<T>;
export async function pollUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, options: PollOptions<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(options.timeoutMessage(value));
    await pause(options.intervalMs);
  }
}
