// A large file in an upload session (api-reference driveitem-createuploadsession.md): create the session with an
// explicit conflictBehavior "fail", then PUT fragments (multiples of 320 KiB but the last) to its URL, which needs
// no Authorization. A fragment that got no answer is asked about (GET the URL: nextExpectedRanges) and the upload
// goes on from where the session says, not from where we think. The LAST fragment is different: when its answer is
// lost the session may have committed the file and vanished with it (its URL then answers 404), so the folder is
// asked instead. An expired session means a new one; none is ever cancelled (a DELETE is a verb this program does
// not have).
import { backoffDelay } from '../../lib/backoff.js';
import { registerSecret } from '../../lib/secrets.js';
import { bodyRange } from './body.js';
import { judge, NetworkError } from './errors.js';
import { childPath, driveItem, findChild } from './items.js';
import type { CreateOnlyResult, Upload } from './outcome.js';

/** A session that expires this often in one upload is a fault, not bad luck. */
const MAX_SESSIONS = 3;
/** Failed fragment attempts in a row before giving up. */
const MAX_FAILURES = 8;

type FragmentsEnd = CreateOnlyResult | 'sessionGone';

export async function uploadInSession(upload: Upload, fragmentBytes: number): Promise<CreateOnlyResult> {
  for (let n = 0; n < MAX_SESSIONS; n++) {
    const what = `start uploading ${upload.name}`;
    const opened = await upload.drive.api.send({
      what,
      method: 'POST',
      path: `${childPath(upload.drive, upload.folder, upload.name)}:/createUploadSession`,
      json: { item: { '@microsoft.graph.conflictBehavior': 'fail', name: upload.name } },
      accept: [409],
    });
    // A session stores nothing until its last fragment: a 409 here is someone else's file (or open session).
    if (opened.status === 409) return upload.settleTakenName(false);
    const url = opened.json['uploadUrl'];
    if (typeof url !== 'string') throw new Error(`OneDrive ${what}: the answer has no uploadUrl`);
    // The URL is a credential for the upload: it must never reach a log.
    registerSecret(url);
    const end = await sendFragments(upload, url, fragmentBytes);
    if (end !== 'sessionGone') return end;
  }
  throw new Error(`OneDrive upload of ${upload.name}: the upload session expired ${MAX_SESSIONS} times; the next run tries again`);
}

async function sendFragments(upload: Upload, url: string, fragmentBytes: number): Promise<FragmentsEnd> {
  const { api } = upload.drive;
  const total = upload.size;
  let offset = 0;
  let failures = 0;
  for (;;) {
    // Every byte arrived yet the session is still open: its commit failed, so the name is taken.
    if (offset >= total) return upload.settleTakenName(false);
    const end = Math.min(offset + fragmentBytes, total);
    const last = end === total;
    const what = `upload ${upload.name} bytes ${offset}-${end - 1} of ${total}`;
    let status: number;
    let json: Record<string, unknown>;
    try {
      ({ status, json } = await api.send({
        what,
        method: 'PUT',
        path: url,
        authorized: false,
        body: await bodyRange(upload.body, offset, end),
        headers: { 'content-range': `bytes ${offset}-${end - 1}/${total}` },
        accept: [404, 409, 416],
        retry: false,
      }));
    } catch (error) {
      const verdict = judge(error);
      if (!verdict.retry || ++failures >= MAX_FAILURES) throw verdict.retry ? error : verdict.error;
      await upload.drive.api.wait(verdict.afterMs ?? backoffDelay(failures, { baseMs: 1000, maxMs: 64_000 }));
      if (last && error instanceof NetworkError) {
        // The commit may have happened: the folder knows, the session (gone if it did) does not.
        const item = await findChild(upload.drive, upload.folder, upload.name);
        if (item) return { outcome: (await upload.isOurs(item)) ? 'created' : 'exists', item };
      }
      const resumeAt = await expectedOffset(upload, url);
      if (resumeAt === 'sessionGone') return resumeAt;
      offset = resumeAt;
      continue;
    }
    if (status === 202) {
      failures = 0;
      offset = firstExpected(json) ?? end;
    } else if (status === 200 || status === 201) {
      return { outcome: 'created', item: driveItem(json, what) };
    } else if (status === 409) {
      // The name was taken while we uploaded: the last fragment is refused and the file there is not ours.
      return upload.settleTakenName(false);
    } else if (status === 404) {
      return 'sessionGone';
    } else {
      // 416: the session has other bytes than we thought; it says which it wants.
      const resumeAt = await expectedOffset(upload, url);
      if (resumeAt === 'sessionGone') return resumeAt;
      offset = resumeAt;
    }
  }
}

/** Where the session wants the next fragment to start, or 'sessionGone' (finished, expired). */
async function expectedOffset(upload: Upload, url: string): Promise<number | 'sessionGone'> {
  const r = await upload.drive.api.send({ what: `ask how much of ${upload.name} arrived`, method: 'GET', path: url, authorized: false, accept: [404] });
  if (r.status === 404) return 'sessionGone';
  return firstExpected(r.json) ?? upload.size;
}

/** The start of the first range in nextExpectedRanges ("26-" or "26-127"), or undefined when none is left. */
function firstExpected(json: Record<string, unknown>): number | undefined {
  const ranges = json['nextExpectedRanges'];
  const first = Array.isArray(ranges) ? ranges[0] : undefined;
  const m = typeof first === 'string' ? /^(\d+)-/.exec(first) : null;
  return m ? Number(m[1]) : undefined;
}
