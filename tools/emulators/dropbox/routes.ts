// The route table: each route's host, style and scope as files.stone, users.stone and auth.stone give them
// (attrs host = "content" for the upload/download routes, "api" otherwise; style "upload" | "download" | "rpc").
import { currentAccount, revokeToken, spaceUsage } from './account.js';
import type { Call, DropboxContext, Reply } from './context.js';
import { copy, deleteBatch, deletePath, move, permanentlyDelete } from './destructive.js';
import type { Host } from './faults.js';
import { createFolder, download, getMetadata, Listings } from './files.js';
import { AsyncBatches, finishBatchV2, sessionAppend, sessionFinish, sessionStart, upload } from './uploads.js';

export interface RouteDef {
  host: Host;
  style: 'rpc' | 'upload' | 'download';
  /** The scope the access token needs; none for auth/token/revoke. */
  scope: string | null;
  /** The argument is Void: no body, or null. */
  voidArg?: boolean;
  /** Counts against the write window (too_many_requests). */
  write?: boolean;
  handle(ctx: DropboxContext, call: Call): Reply | Promise<Reply>;
}

const WRITE = 'files.content.write';
const META = 'files.metadata.read';

export function routeTable(): Map<string, RouteDef> {
  const listings = new Listings();
  const batches = new AsyncBatches();
  const upload_ = (handle: RouteDef['handle']): RouteDef => ({ host: 'content', style: 'upload', scope: WRITE, write: true, handle });
  const write = (handle: RouteDef['handle']): RouteDef => ({ host: 'api', style: 'rpc', scope: WRITE, write: true, handle });
  const read = (handle: RouteDef['handle'], scope = META): RouteDef => ({ host: 'api', style: 'rpc', scope, handle });
  return new Map<string, RouteDef>([
    ['files/upload', upload_((ctx, call) => upload(ctx, call))],
    ['files/upload_session/start', upload_((ctx, call) => sessionStart(ctx, call))],
    ['files/upload_session/append', upload_((ctx, call) => sessionAppend(ctx, call, false))],
    ['files/upload_session/append_v2', upload_((ctx, call) => sessionAppend(ctx, call, true))],
    ['files/upload_session/finish', upload_((ctx, call) => sessionFinish(ctx, call))],
    ['files/upload_session/finish_batch_v2', write((ctx, call) => finishBatchV2(ctx, call))],
    ['files/upload_session/finish_batch', write((ctx, call) => batches.launch(ctx, call))],
    ['files/upload_session/finish_batch/check', read((_ctx, call) => batches.check(call), WRITE)],
    ['files/create_folder', write((ctx, call) => createFolder(ctx, call, false))],
    ['files/create_folder_v2', write((ctx, call) => createFolder(ctx, call, true))],
    ['files/get_metadata', read((ctx, call) => getMetadata(ctx, call))],
    ['files/list_folder', read((ctx, call) => listings.list(ctx, call))],
    ['files/list_folder/continue', read((ctx, call) => listings.continue(ctx, call))],
    ['files/download', { host: 'content', style: 'download', scope: 'files.content.read', handle: (ctx, call) => download(ctx, call) }],
    ['files/delete', write((ctx, call) => deletePath(ctx, call, false))],
    ['files/delete_v2', write((ctx, call) => deletePath(ctx, call, true))],
    ['files/delete_batch', write((ctx, call) => deleteBatch(ctx, call))],
    ['files/permanently_delete', { ...write((ctx, call) => permanentlyDelete(ctx, call)), scope: 'files.permanent_delete' }],
    ['files/move', write((ctx, call) => move(ctx, call, false))],
    ['files/move_v2', write((ctx, call) => move(ctx, call, true))],
    ['files/copy', write((ctx, call) => copy(ctx, call, false))],
    ['files/copy_v2', write((ctx, call) => copy(ctx, call, true))],
    ['users/get_current_account', { ...read((ctx) => currentAccount(ctx), 'account_info.read'), voidArg: true }],
    ['users/get_space_usage', { ...read((ctx) => spaceUsage(ctx), 'account_info.read'), voidArg: true }],
    ['auth/token/revoke', { host: 'api', style: 'rpc', scope: null, voidArg: true, handle: (ctx, call) => revokeToken(ctx, call) }],
  ]);
}
