import type { DriveApi } from './driveApi.js';

const BATCH = 100;

/**
 * Pre-generated file ids, fetched a hundred at a time. Creating with one of these ids makes a retry harmless: Drive
 * answers 409 to a second create with the same id instead of making a second file.
 */
export function createIdSupply(api: DriveApi): () => Promise<string> {
  let ids: string[] = [];
  return async () => {
    if (ids.length === 0) {
      const answer = await api.read('generateIds', (o) => api.files.generateIds({ count: BATCH, space: 'drive', type: 'files' }, o));
      ids = [...(answer.data.ids ?? [])];
      if (ids.length === 0) throw new Error('Google Drive generated no file ids');
    }
    return ids.shift()!;
  };
}
