import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Config, DestinationSpec } from '../config/config.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../lib/clock.js';
import { BackupError, UnauthorisedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Destination } from './destination.js';
import { loadCredentials } from './gdrive/credentials.js';
import { googleDriveDestination, googleDriveId } from './gdrive/googleDrive.js';
import { signedInClient } from './gdrive/oauth.js';
import { localFolderDestination } from './local/localFolder.js';

export interface DestinationDeps {
  config: Config;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
}

export function destinationId(spec: DestinationSpec, config: Config): string {
  return spec.type === 'local' ? `local:${spec.path}` : googleDriveId(spec.parentFolderId ?? config.gdrive.parentFolderId);
}

/** Every Drive destination the config names (one sign-in serves them all), or the default one. */
export function googleDriveIds(config: Config): string[] {
  const ids = config.destinations.filter((d) => d.type === 'gdrive').map((d) => destinationId(d, config));
  return ids.length > 0 ? [...new Set(ids)] : [googleDriveId(config.gdrive.parentFolderId)];
}

export function createDestinations(deps: DestinationDeps): Destination[] {
  return deps.config.destinations.map((spec) => createDestination(spec, deps));
}

function createDestination(spec: DestinationSpec, deps: DestinationDeps): Destination {
  if (spec.type === 'local') return localFolderDestination(spec.path);
  const { config, ledger } = deps;
  const parentFolderId = spec.parentFolderId ?? config.gdrive.parentFolderId;
  const id = googleDriveId(parentFolderId);
  const revokedAt = ledger.revokedAt(id);
  if (revokedAt !== null) {
    const day = format(new TZDate(revokedAt, config.timeZone), 'yyyy-MM-dd');
    return unusable(id, new UnauthorisedError(`backup revoked on ${day}; run \`backup auth google\` to resume`));
  }
  let auth;
  try {
    auth = signedInClient(config, loadCredentials(config));
  } catch (error) {
    if (error instanceof BackupError) return unusable(id, error);
    throw error;
  }
  return googleDriveDestination({
    auth,
    rootUrl: config.gdrive.apiRootUrl,
    parentFolderId,
    writesPerSecond: config.gdrive.writesPerSecond,
    folders: { get: (p) => ledger.folder(id, p), save: (p, folderId, confirmed) => ledger.saveFolder(id, p, folderId, confirmed) },
    clock: deps.clock,
    logger: deps.logger,
  });
}

/** A destination that cannot be used this run (revoked, not signed in): it says why, and the others go on. */
function unusable(id: string, error: BackupError): Destination {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return { id, check: fail, newToken: fail, put: fail, list: fail };
}
