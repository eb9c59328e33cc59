import type { DriveApi } from './driveApi.js';

const BATCH = 100;

/**
 * Pre-generated file ids, fetched a hundred at a time. Creating with one of these ids makes a retry harmless: Drive
 * answers 409 to a second create with the same id instead of making a second file.
 */
export function createIdSupply(api: DriveApi): () => Promise<string> {
  const ids: string[] = [];
  // One batch asked for at a time: documents delivered concurrently that find the supply empty share the request
  // (each asking for its own batch and keeping the last threw the others away: 131 requests for 7 016 ids).
  let refill: Promise<void> | null = null;
  const fetchBatch = async () => {
    const answer = await api.read('generateIds', (o) => api.files.generateIds({ count: BATCH, space: 'drive', type: 'files' }, o));
    const batch = answer.data.ids ?? [];
    if (batch.length === 0) throw new Error('Google Drive generated no file ids');
    ids.push(...batch);
  };
  return async () => {
    while (ids.length === 0) await (refill ??= fetchBatch().finally(() => (refill = null)));
    return ids.shift()!;
  };
}
