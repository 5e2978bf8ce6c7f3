import { createLogger, payloadCodecFor } from '../../adapters';
import { ConfigError } from '../../domain';
import { buildCodecServer } from '../../serving/codec-server';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';

/** `mlops codec-server`: serves /encode and /decode for the Temporal Web UI and CLI until SIGINT/SIGTERM. */
export const codecServerCommand: Command = {
  name: 'codec-server',
  summary: 'serve the payload codec (POST /encode, /decode) to the Temporal Web UI, bearer token required',
  usage: 'mlops codec-server   (MLOPS_PAYLOAD_KEYS, MLOPS_CODEC_TOKEN, MLOPS_CODEC_HOST/PORT, TEMPORAL_UI_URL)',
  async run(argv, ctx) {
    parseCommandArgs(argv, {}, []);
    const { config } = ctx;
    const codec = payloadCodecFor(config);
    if (!codec) throw new ConfigError(['MLOPS_PAYLOAD_KEYS: payload encryption is off; the codec server needs the keys']);
    if (!config.codecServer.token) throw new ConfigError(['MLOPS_CODEC_TOKEN: required by the codec server']);
    const logger = createLogger(config, 'mlops-codec-server');
    const uiOrigin = new URL(config.temporal.uiUrl).origin;
    const app = buildCodecServer({ codec, token: config.codecServer.token, uiOrigin, logger });
    const url = await app.listen({ host: config.codecServer.host, port: config.codecServer.port });
    logger.info({ url, uiOrigin }, 'codec server listening');
    ctx.out(`codec server on ${url} for ${uiOrigin} (temporal server start-dev --ui-codec-endpoint ${url})`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await app.close();
    return 0;
  },
};
