// What a kind of destination declares about itself (restic's location registry, rclone's RegInfo): its scheme, its
// settings, its ledger id, how it is made, its sign-in and revoke commands if it has any, and what a run costs it.
// Adding a destination is one folder under src/destinations/ and one line in registry.ts.
import type { Section, Values } from '../config/setting.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Destination } from './destination.js';

/** One entry of `destinations` / BACKUP_DESTINATION: "gdrive", "local:/srv/backup" → scheme and target. */
export interface DestinationSpec {
  scheme: string;
  /** What followed the colon, checked and normalised by the plugin (an absolute path, a folder id); null if nothing. */
  target: string | null;
}

/** Things several destinations in one process share, made once per key (accounts writing into one Google account). */
export interface SharedResources {
  get<T>(key: string, make: () => T): T;
}

export function sharedResources(): SharedResources {
  const made = new Map<string, unknown>();
  return {
    get<T>(key: string, make: () => T): T {
      if (!made.has(key)) made.set(key, make());
      return made.get(key) as T;
    },
  };
}

export interface CreateContext<S> {
  settings: Values<S>;
  /** The installation's data dir, where sign-ins are saved. */
  dataDir: string;
  /** The account's ledger: folder ids and the like. */
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  shared: SharedResources;
}

/** Where a command that talks to a person writes and reads. */
export interface PersonIo {
  say(text: string): void;
  /** What the person types; null when nobody can (a pipe, cron). */
  input: NodeJS.ReadableStream | null;
}

export interface SignInContext<S> {
  settings: Values<S>;
  dataDir: string;
  /** The destination specs of this scheme the configuration names (empty when none does yet). */
  specs: DestinationSpec[];
  io: PersonIo;
  options: { port?: number };
  clock: Clock;
  logger: Logger;
}

export interface RevokeContext<S> {
  settings: Values<S>;
  dataDir: string;
  io: PersonIo;
  logger: Logger;
}

export interface CostContext<S> {
  settings: Values<S>;
  /** Files the run would store, the folders they go into, and how many folders on their way the ledger does not know yet. */
  files: number;
  folders: number;
  newFolders: number;
}

export interface DestinationPlugin<S extends Section = Section> {
  /** The word before the colon: "local", "gdrive". */
  readonly scheme: string;
  /** How a person calls it: "Google Drive". */
  readonly title: string;
  /** How it is written in BACKUP_DESTINATION, for messages: "gdrive or gdrive:<parent folder id>". */
  readonly usage: string;
  /** Its settings, under their own key of the config file; `{}` when it has none. */
  readonly settings: S;
  /** Checks and normalises what followed the colon (null: nothing did); throws a message completing "… must be". */
  parseTarget(target: string | null, cwd: string): string | null;
  /** The ledger's key for this destination. */
  id(spec: DestinationSpec, settings: Values<S>): string;
  create(spec: DestinationSpec, context: CreateContext<S>): Destination;
  /** The name after `backup auth` / `backup revoke`, for destinations that need a sign-in. */
  readonly command?: string;
  signIn?(context: SignInContext<S>): Promise<string>;
  /** Forgets the sign-in (and revokes it where the provider can); returns what to tell the person. */
  revoke?(context: RevokeContext<S>): Promise<string>;
  /** Whether a sign-in is configured or saved, so `backup revoke` knows there is something to stop. */
  signedIn?(context: { settings: Values<S>; dataDir: string }): boolean;
  /** Requests a run makes to store `files` new files, and the seconds its pacing needs for them. */
  cost?(context: CostContext<S>): { requests: number; seconds: number; pace: string };
}

/** Types a plugin so that its settings stay precise (the config schema is built from them). */
export function definePlugin<S extends Section>(plugin: DestinationPlugin<S>): DestinationPlugin<S> {
  return plugin;
}
