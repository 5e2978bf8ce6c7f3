import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Payload, PayloadCodec } from '@temporalio/common';

/** One payload as Temporal's codec-server protocol carries it: metadata values and data in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export interface CodecServerDeps {
  readonly codec: PayloadCodec;
  /** Bearer token every /encode and /decode call must carry (`Authorization: Bearer …`). */
  readonly token: string;
  /** The Temporal Web UI's origin (scheme://host:port): the only origin browsers may call from. */
  readonly uiOrigin: string;
  readonly logger: Logger;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Cookie set by `POST /login`, for browsers: the Web UI's "Include cross-origin credentials" sends it. */
export const CODEC_COOKIE = 'mlops_codec_token';
const digest = (s: string) => createHash('sha256').update(s).digest();
const sameToken = (presented: string, token: string) => presented.length > 0 && timingSafeEqual(digest(presented), digest(token));

function cookieValue(req: FastifyRequest, name: string): string {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return '';
}

/** The token from `Authorization: Bearer …` (CLI, scripts, a UI passing tokens) or the login cookie (browsers). */
function authorized(req: FastifyRequest, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const bearer = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return sameToken(bearer, token) || sameToken(cookieValue(req, CODEC_COOKIE), token);
}

const loginPage = `<!doctype html><title>mlops codec server</title>
<form method="post" action="/login"><label>codec token <input type="password" name="token" autofocus></label>
<button>sign in</button></form>`;

/**
 * Temporal's codec server (`mlops codec-server`): `POST /encode` and `POST /decode` take and return
 * `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`, so the Web UI and `temporal` CLI can show
 * decrypted payloads to whoever holds the token. CORS admits only the configured UI origin; preflights
 * (which browsers send without credentials) are answered without the token.
 */
export function buildCodecServer(deps: CodecServerDeps): FastifyInstance {
  const logger = deps.logger.child({ component: 'codec-server' });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 8 * 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.addHook('onRequest', (req, reply, done) => {
    if (req.headers.origin === deps.uiOrigin) {
      reply.header('access-control-allow-origin', deps.uiOrigin).header('vary', 'origin');
      reply.header('access-control-allow-credentials', 'true');
    }
    done();
  });
  app.options('/*', (req, reply) => {
    if (req.headers.origin !== deps.uiOrigin) return reply.code(403).send({ message: 'origin not allowed' });
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', 'content-type, x-namespace, authorization')
      .header('access-control-max-age', '600')
      .send();
  });

  // A browser signs in once; the token travels in the POST body (never in a URL, which proxies log).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.get('/login', (_req, reply) => reply.type('text/html').send(loginPage));
  app.post<{ Body: { token?: string } }>('/login', (req, reply) => {
    if (!sameToken(req.body?.token ?? '', deps.token)) return reply.code(401).type('text/html').send(loginPage);
    const cookie = `${CODEC_COOKIE}=${encodeURIComponent(deps.token)}; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200`;
    return reply.header('set-cookie', cookie).type('text/html').send('signed in: the Web UI can now decode payloads');
  });

  const route = (path: '/encode' | '/decode', run: (p: Payload[]) => Promise<Payload[]>) =>
    app.post<{ Body: { payloads?: JsonPayload[] } }>(path, async (req, reply) => {
      if (!authorized(req, deps.token)) {
        logger.warn({ path, origin: req.headers.origin }, 'codec request without a valid bearer token');
        return reply.code(401).header('www-authenticate', 'Bearer').send({ message: 'codec server needs "Authorization: Bearer <token>"' });
      }
      if (!Array.isArray(req.body?.payloads)) return reply.code(400).send({ message: 'expected { "payloads": [ … ] }' });
      try {
        return { payloads: (await run(req.body.payloads.map(fromJson))).map(toJson) };
      } catch (err) {
        // An unknown key id or a tampered payload: the caller gets the reason, never a partial answer.
        return reply.code(422).send({ message: (err as Error).message });
      }
    });
  route('/encode', (p) => deps.codec.encode(p));
  route('/decode', (p) => deps.codec.decode(p));
  return app;
}
