// One file, add-only, on its own (batcher.ts commits many at once). Up to 8 MiB it is one request, files/upload;
// larger, an upload session (start, append_v2 …) and upload_session/finish. The content hash always goes along.
// The outcome is "created" (this call wrote it), "identical" (the same bytes were already there: a retry whose
// first answer was lost, a re-run after a crash), or a conflict (other bytes, or a folder, hold the path). Nothing
// is ever overwritten and no second copy is ever made.
import { bodySize, type Body } from '../destination.js';
import { addOnly, committedUnseen, conflictOf, nextStamp, storedOutcome, type Conflict, type Stored } from './commit.js';
import { dropboxContentHash } from './contentHash.js';
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError } from './errors.js';
import { checkedPath } from './names.js';
import { readRange, sendToSession } from './session.js';
import { parseFileMetadata } from './wire.js';

/** Above this a file goes through an upload session; files/upload could take 150 MiB, but in one breath. */
export const SINGLE_REQUEST_LIMIT = 8 * 1024 * 1024;

export interface NewFile {
  /** Below the app's root: "/BaseLinker Backup/2026/11/Invoices/FV_1_11_2026.pdf" (names.ts dropboxPath). */
  path: string;
  body: Body;
}

export async function uploadOne(api: DropboxApi, file: NewFile): Promise<Stored | Conflict> {
  const path = checkedPath(file.path);
  const hash = await dropboxContentHash(file.body);
  let sent = '';
  const stamped = (commit: (clientModified: string) => unknown) => () => commit((sent = nextStamp(api, path)));
  try {
    if (bodySize(file.body) <= SINGLE_REQUEST_LIMIT) {
      const bytes = await readRange(file.body, 0, bodySize(file.body));
      const answer = await api.call({ route: 'files/upload', style: 'upload', arg: stamped((at) => ({ ...addOnly(path, at), content_hash: hash })), body: bytes });
      return storedOutcome(parseFileMetadata(answer, 'files/upload'), sent, hash);
    }
    const session = await sendToSession(api, file.body);
    const cursor = { session_id: session.sessionId, offset: session.size };
    const answer = await api.call({ route: 'files/upload_session/finish', style: 'upload', arg: stamped((at) => ({ cursor, commit: addOnly(path, at) })) });
    return storedOutcome(parseFileMetadata(answer, 'files/upload_session/finish'), sent, hash);
  } catch (error) {
    const conflict = conflictOf(error, path);
    if (conflict) return conflict;
    // The session is gone: an attempt whose answer was lost may have committed it.
    if (error instanceof DropboxRouteError && error.has('lookup_failed')) {
      const ours = await committedUnseen(api, path, hash);
      if (ours) return ours;
    }
    throw error;
  }
}
