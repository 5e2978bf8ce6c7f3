import { DatasetPaths, ingestLabels, openBlobStore, PredictionStore } from '../../adapters';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';

export const labelsCommand: Command = {
  name: 'labels',
  summary: 'ingest delayed ground truth (request_id,label[,row] as CSV or NDJSON) for served predictions',
  usage: 'mlops labels <file.csv|file.ndjson> [--model <name>] [--strict] [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { model: { type: 'string' }, strict: { type: 'boolean' } }, ['file']);
    const blobs = await openBlobStore(ctx.config.blob);
    const store = await PredictionStore.open(ctx.config.monitoring, new DatasetPaths(ctx.config.datasetRoots), blobs);
    try {
      const r = await ingestLabels(store, positionals[0] as string, { ...(values['model'] ? { model: String(values['model']) } : {}), strict: Boolean(values['strict']) });
      if (values['json']) {
        ctx.json(r);
        return 0;
      }
      const models = Object.entries(r.byModel).map(([m, n]) => `${m}: ${n}`).join(', ');
      ctx.out(r.alreadyIngested ? `${r.file} was ingested before (${r.storedAt}); nothing new stored` : `stored ${r.stored} labels from ${r.file} (${models})`);
      const skipped = [
        r.skipped.unknownRequestIds ? `${r.skipped.unknownRequestIds} predictions not in the prediction log (e.g. ${r.unknownExamples.join(', ')})` : '',
        r.skipped.invalidValues ? `${r.skipped.invalidValues} rows with an empty request_id or label or a row that is not a whole number` : '',
        r.skipped.repeated ? `${r.skipped.repeated} repeated rows` : '',
      ].filter(Boolean);
      if (skipped.length) ctx.out(`skipped: ${skipped.join('; ')}`);
      if (r.ignoredColumns.length) ctx.out(`ignored columns: ${r.ignoredColumns.join(', ')}`);
      return 0;
    } finally {
      store.close();
      blobs.close();
    }
  },
};
