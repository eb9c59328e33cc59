import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Config } from '../config/config.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../lib/clock.js';
import { BackupError, UnauthorisedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Destination } from './destination.js';
import { sharedResources, type DestinationSpec, type SharedResources } from './plugin.js';
import { pluginFor, settingsFor } from './registry.js';

export interface DestinationDeps {
  config: Config;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  /** Shared by every account of one process (one Google account's write budget); a fresh set by default. */
  shared?: SharedResources;
}

/** The ledger's key for a configured destination. */
export function destinationId(spec: DestinationSpec, config: Config): string {
  const plugin = pluginFor(spec.scheme);
  return plugin.id(spec, settingsFor(plugin, config));
}

export function createDestinations(deps: DestinationDeps): Destination[] {
  const shared = deps.shared ?? sharedResources();
  return deps.config.destinations.map((spec) => createDestination(spec, { ...deps, shared }));
}

/**
 * A destination as its plugin makes it, unless it was revoked or cannot be signed in to: then one that says why
 * when used, so that the run sets it aside and the other destinations go on.
 */
function createDestination(spec: DestinationSpec, deps: DestinationDeps & { shared: SharedResources }): Destination {
  const { config, ledger } = deps;
  const plugin = pluginFor(spec.scheme);
  const settings = settingsFor(plugin, config);
  const id = plugin.id(spec, settings);
  const revokedAt = ledger.revokedAt(id);
  if (revokedAt !== null) {
    const day = format(new TZDate(revokedAt, config.timeZone), 'yyyy-MM-dd');
    return unusable(id, new UnauthorisedError(`backup to ${plugin.title} revoked on ${day}; run \`backup auth ${plugin.command ?? spec.scheme}\` to resume`));
  }
  try {
    return plugin.create(spec, { settings, dataDir: config.installDataDir, ledger, clock: deps.clock, logger: deps.logger, shared: deps.shared });
  } catch (error) {
    if (error instanceof BackupError) return unusable(id, error);
    throw error;
  }
}

/** A destination that cannot be used this run (revoked, not signed in): it says why, and the others go on. */
function unusable(id: string, error: BackupError): Destination {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return { id, check: fail, newToken: fail, put: fail, list: fail, recordIdentities: fail };
}
