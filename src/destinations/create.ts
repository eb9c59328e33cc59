import type { Config, DestinationSpec } from '../config/config.js';
import { UsageError } from '../lib/errors.js';
import type { Destination } from './destination.js';
import { localFolderDestination } from './local/localFolder.js';

export function createDestination(spec: DestinationSpec): Destination {
  switch (spec.type) {
    case 'local':
      return localFolderDestination(spec.path);
    case 'gdrive':
      throw new UsageError('the Google Drive destination is not available in this version; use BACKUP_DESTINATION=local:<folder>');
  }
}

export function createDestinations(config: Config): Destination[] {
  return config.destinations.map(createDestination);
}
