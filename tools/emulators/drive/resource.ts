// The JSON that Drive returns for a file, and the schema of field names that a `fields` selection may name.
// The field names come from the Drive v3 discovery document (as generated into @googleapis/drive's v3.d.ts), so a
// selection naming a real field that we do not fill in is valid and simply returns nothing, like on Drive, while a
// misspelt field is a 400.
import { digest, md5, type DriveStore, type StoredFile } from './store.js';

/** Top-level fields of the File resource (Schema$File). */
export const FILE_FIELDS = new Set([
  'appProperties', 'capabilities', 'clientEncryptionDetails', 'contentHints', 'contentRestrictions',
  'copyRequiresWriterPermission', 'createdTime', 'description', 'downloadRestrictions', 'driveId',
  'explicitlyTrashed', 'exportLinks', 'fileExtension', 'folderColorRgb', 'fullFileExtension',
  'hasAugmentedPermissions', 'hasThumbnail', 'headRevisionId', 'iconLink', 'id', 'imageMediaMetadata',
  'inheritedPermissionsDisabled', 'isAppAuthorized', 'kind', 'labelInfo', 'lastModifyingUser', 'linkShareMetadata',
  'md5Checksum', 'mimeType', 'modifiedByMe', 'modifiedByMeTime', 'modifiedTime', 'name', 'originalFilename',
  'ownedByMe', 'owners', 'parents', 'permissionIds', 'permissions', 'properties', 'quotaBytesUsed', 'resourceKey',
  'sha1Checksum', 'sha256Checksum', 'shared', 'sharedWithMeTime', 'sharingUser', 'shortcutDetails', 'size',
  'spaces', 'starred', 'teamDriveId', 'thumbnailLink', 'thumbnailVersion', 'trashed', 'trashedTime',
  'trashingUser', 'version', 'videoMediaMetadata', 'viewedByMe', 'viewedByMeTime', 'viewersCanCopyContent',
  'webContentLink', 'webViewLink', 'writersCanShare',
]);

/** Fields a client may not set in a create or update body: Drive answers 403 fieldNotWritable. */
export const READ_ONLY_FILE_FIELDS = new Set([
  'size', 'md5Checksum', 'sha1Checksum', 'sha256Checksum', 'quotaBytesUsed', 'version', 'headRevisionId',
  'fileExtension', 'fullFileExtension', 'driveId', 'teamDriveId', 'trashedTime', 'explicitlyTrashed', 'owners',
  'ownedByMe', 'capabilities', 'spaces', 'webViewLink', 'webContentLink', 'iconLink', 'permissions', 'permissionIds',
  'isAppAuthorized', 'shared', 'hasThumbnail', 'thumbnailVersion',
]);

/** What a File resource looks like as JSON (only the keys we fill in). */
export type FileResource = Record<string, unknown>;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The full File resource: what `fields=*` or `fields=files` returns. Folders carry no size or checksums, and items
 * in a shared drive carry driveId but not ownedByMe, as on Drive.
 */
export function fileResource(store: DriveStore, f: StoredFile, user: { email: string; name: string; permissionId: string }): FileResource {
  const r: FileResource = {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    starred: f.starred,
    trashed: store.isTrashed(f),
    explicitlyTrashed: f.explicitlyTrashed,
    parents: [...f.parents],
    spaces: ['drive'],
    version: String(f.version),
    webViewLink: store.isFolder(f)
      ? `https://drive.google.com/drive/folders/${f.id}`
      : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`,
    createdTime: iso(f.createdTime),
    modifiedTime: iso(f.modifiedTime),
    viewedByMe: true,
    modifiedByMe: true,
    isAppAuthorized: f.createdByApp,
  };
  if (f.description !== undefined) r['description'] = f.description;
  if (Object.keys(f.appProperties).length > 0) r['appProperties'] = { ...f.appProperties };
  if (Object.keys(f.properties).length > 0) r['properties'] = { ...f.properties };
  if (f.driveId !== undefined) {
    r['driveId'] = f.driveId;
    r['teamDriveId'] = f.driveId;
  } else {
    r['ownedByMe'] = true;
    r['owners'] = [{ kind: 'drive#user', displayName: user.name, me: true, permissionId: user.permissionId, emailAddress: user.email }];
  }
  if (f.content) {
    r['originalFilename'] = f.originalFilename ?? f.name;
    const dot = f.name.lastIndexOf('.');
    if (dot > 0) {
      r['fileExtension'] = f.name.slice(dot + 1);
      r['fullFileExtension'] = f.name.slice(f.name.indexOf('.') + 1);
    }
    // Drive returns sizes as strings (int64 in JSON), a classic trap for `size > 0` checks.
    r['size'] = String(f.content.length);
    r['quotaBytesUsed'] = String(f.content.length);
    r['md5Checksum'] = md5(f.content);
    r['sha1Checksum'] = digest('sha1', f.content);
    r['sha256Checksum'] = digest('sha256', f.content);
    r['headRevisionId'] = `0B${f.id.slice(1, 20)}${f.version}`;
  } else {
    r['quotaBytesUsed'] = '0';
  }
  return r;
}

/** Without `fields`, Drive v3 returns only these four keys of a file. */
export const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
/** …and of a list: the page envelope plus those four keys per file. */
export const DEFAULT_LIST_FIELDS = 'kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)';
