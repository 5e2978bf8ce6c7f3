import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;
type LogFn = FastifyBaseLogger['info'];
const forward = (fn: LogFn, self: FastifyBaseLogger, args: unknown[]) =>
  (fn as (...a: unknown[]) => void).apply(self, args);

/**
 * A request's logger (`req.log`) that makes its pino child — bindings serialised, redaction paths applied, a
 * few µs — only when something is logged. Fastify asks for one per request; the predict path logs nothing
 * unless it fails, so the child was pure cost on every request (seen in a CPU profile of the hot path).
 */
class LazyRequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  child(bindings: Bindings): FastifyBaseLogger {
    return this.real.child(bindings);
  }

  // Prototype methods, not arrow fields: one small object per request, no closures.
  fatal(...args: unknown[]): void {
    forward(this.real.fatal, this.real, args);
  }
  error(...args: unknown[]): void {
    forward(this.real.error, this.real, args);
  }
  warn(...args: unknown[]): void {
    forward(this.real.warn, this.real, args);
  }
  info(...args: unknown[]): void {
    forward(this.real.info, this.real, args);
  }
  debug(...args: unknown[]): void {
    forward(this.real.debug, this.real, args);
  }
  trace(...args: unknown[]): void {
    forward(this.real.trace, this.real, args);
  }
  silent(): void {}
}

/**
 * Fastify's `childLoggerFactory` for the model server. Route-level log options (a level per route) need the
 * real child at once; the server sets none, so every request gets the lazy one.
 */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: { level?: string }):
  FastifyBaseLogger {
  if (opts.level) return logger.child(bindings, opts);
  return new LazyRequestLogger(logger, bindings);
}
