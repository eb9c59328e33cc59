// Storing a file under a name that must not be taken: never replace, never rename, never a second copy.
//
// Small files go up in one simple PUT with ?@microsoft.graph.conflictBehavior=fail. Microsoft's own people disagree
// about whether a simple PUT honours it (onedrive-api-docs #81 and msgraph-sdk-php #186 say it always replaces;
// #225, #94, #759 and a 2019 docs change say it fails with 409): so the CALLER lists the folder first and never
// asks for a name it saw taken. The fail is then a second guard, for a name taken between the listing and the PUT.
// Larger files go up in an upload session with an explicit fail (a session left without one replaces, reports say).
import { nameProblem, pathProblem } from './names.js';
import { bodyRange } from './body.js';
import { childPath, driveItem, type FolderMaker, type FolderRef, type OneDriveDrive } from './items.js';
import { Upload, type CreateOnlyResult } from './outcome.js';
import { uploadInSession } from './uploadSession.js';
import type { Body } from '../destination.js';

export type { CreateOnlyResult } from './outcome.js';

/** Graph's documented limit for a simple upload was 4 MB for years (250 MB now); above it, a session. */
export const SIMPLE_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;
/** Every fragment but the last must be a multiple of this. */
export const FRAGMENT_UNIT = 320 * 1024;
/** 10 MiB: Microsoft recommends 5-10 MiB fragments. */
export const DEFAULT_FRAGMENT_BYTES = 32 * FRAGMENT_UNIT;

export interface UploadContext {
  drive: OneDriveDrive;
  /** Makes the parent folder of a session upload (a session needs its parent to exist; a simple PUT makes it). */
  folders: FolderMaker;
  /** A multiple of 320 KiB. Default 10 MiB. */
  fragmentBytes?: number;
  /** Bodies up to this size go up in one PUT. Default 4 MiB. */
  simpleUploadMaxBytes?: number;
}

export type CreateOnlyRequest = FolderRef & { name: string; body: Body };

export async function createOnly(ctx: UploadContext, req: CreateOnlyRequest): Promise<CreateOnlyResult> {
  const problem = nameProblem(req.name, { business: ctx.drive.business });
  if (problem) throw new Error(`the file name ${JSON.stringify(req.name)} ${problem}`);
  const folder: FolderRef = 'parentId' in req ? { parentId: req.parentId } : { parentPath: req.parentPath };
  if ('parentPath' in folder) {
    const path = [...folder.parentPath, req.name];
    const tooLong = pathProblem(path);
    if (tooLong) throw new Error(`the path ${path.join('/')} ${tooLong}`);
  }
  const upload = new Upload(ctx.drive, folder, req.name, req.body);
  if (upload.size <= (ctx.simpleUploadMaxBytes ?? SIMPLE_UPLOAD_MAX_BYTES)) {
    // The app folder comes into being on its first GET (microsoft-graph-docs #4287); a PUT before that finds nothing.
    if (ctx.drive.root === 'approot' && 'parentPath' in folder) await ctx.folders.ensure([]);
    return simpleUpload(upload);
  }
  const fragmentBytes = ctx.fragmentBytes ?? DEFAULT_FRAGMENT_BYTES;
  if (fragmentBytes <= 0 || fragmentBytes % FRAGMENT_UNIT !== 0) throw new Error(`upload fragments must be a multiple of ${FRAGMENT_UNIT} bytes`);
  const parentId = 'parentId' in folder ? folder.parentId : (await ctx.folders.ensure(folder.parentPath)).id;
  return uploadInSession(new Upload(ctx.drive, { parentId }, req.name, req.body), fragmentBytes);
}

/** One PUT. A 409 after an attempt that got no answer may be our own file: settleTakenName looks. */
async function simpleUpload(upload: Upload): Promise<CreateOnlyResult> {
  const what = `upload ${upload.name}`;
  const r = await upload.drive.api.send({
    what,
    method: 'PUT',
    path: `${childPath(upload.drive, upload.folder, upload.name)}:/content`,
    query: { '@microsoft.graph.conflictBehavior': 'fail' },
    body: await bodyRange(upload.body, 0, upload.size),
    headers: { 'content-type': 'application/octet-stream' },
    accept: [409],
  });
  if (r.status === 409) return upload.settleTakenName(r.afterLostAttempt);
  return { outcome: 'created', item: driveItem(r.json, what) };
}
