import fs from 'node:fs';
import path from 'node:path';
import type { DocumentKind } from '../domain/documents.js';
import { UsageError, errorMessage } from '../lib/errors.js';
import { registerSecret } from '../lib/secrets.js';
import { CONFIG_KEYS, type KeySpec } from './keys.js';

export type DestinationSpec = { type: 'local'; path: string } | { type: 'gdrive'; parentFolderId?: string };

export interface Config {
  baselinker: { token: string | null; apiUrl: string; requestsPerMinute: number; timeoutSeconds: number };
  dataDir: string;
  destinations: DestinationSpec[];
  timeZone: string;
  rootFolder: string;
  kinds: DocumentKind[];
  backfillFrom: string | null;
  orders: { lookbackDays: number; windowDays: number; csvDelimiter: string };
  documents: { language: 'pl' | 'en'; recheckDays: number };
  /** The account's own NIP (digits only), or null. */
  nip: string | null;
  invoices: { pdf: 'render' | 'baselinker'; external: boolean; exemptionBasis: string | null };
  schedule: { time: string; timeZone: string };
  log: { level: string };
  healthcheck: { url: string | null };
  gdrive: {
    parentFolderId: string | null;
    writesPerSecond: number;
    clientId: string | null;
    clientSecret: string | null;
    refreshToken: string | null;
    apiRootUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    authUrl: string;
  };
  /** The file the settings came from, if any. */
  source: string | null;
}

export const DEFAULT_CONFIG_FILE = 'config/backup.json';

type Env = Record<string, string | undefined>;

/**
 * File, then environment, then checks. BACKUP_CONFIG names the file; without it config/backup.json is read when it
 * exists. Errors name the key (and the variable) so a person can fix it.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const source = env.BACKUP_CONFIG ? path.resolve(cwd, env.BACKUP_CONFIG) : path.resolve(cwd, DEFAULT_CONFIG_FILE);
  const file = readConfigFile(source, Boolean(env.BACKUP_CONFIG));
  const values = new Map<string, unknown>();
  for (const key of CONFIG_KEYS) {
    const fromEnv = env[key.env];
    const fromFile = file ? lookup(file, key.path) : undefined;
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile;
    // null in the file means "not set", as the example file shows for optional keys.
    values.set(key.path, raw === undefined || raw === null ? key.default : parseKey(key, raw, fromEnv !== undefined && fromEnv !== ''));
  }
  if (file) rejectUnknownKeys(file, '');

  const destinations = values.get('destinations') as DestinationSpec[] | undefined;
  if (!destinations) {
    throw new UsageError('no destination configured: set BACKUP_DESTINATION=local:<folder> (or "destinations" in the config file)');
  }
  const config = unflatten(values) as unknown as Config;
  config.destinations = destinations.map((d) => (d.type === 'local' ? { type: 'local', path: path.resolve(cwd, d.path) } : d));
  config.dataDir = path.resolve(cwd, config.dataDir);
  config.schedule.timeZone ??= config.timeZone;
  config.source = file ? source : null;
  registerSecret(config.baselinker.token);
  registerSecret(config.gdrive.clientSecret);
  registerSecret(config.gdrive.refreshToken);
  // A ping URL is a capability: whoever has it can report our backups as done.
  registerSecret(config.healthcheck.url);
  return config;
}

function readConfigFile(file: string, required: boolean): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON: ${errorMessage(error)}`);
  }
  if (!isObject(parsed)) throw new UsageError(`config file ${file} must hold a JSON object`);
  return parsed;
}

function parseKey(key: KeySpec, raw: unknown, fromEnv: boolean): unknown {
  try {
    return key.parse(raw);
  } catch (error) {
    const where = fromEnv ? `${key.env} (config key "${key.path}")` : `config key "${key.path}"`;
    const shown = key.secret ? '' : ` (got ${JSON.stringify(raw)})`;
    throw new UsageError(`${where} ${errorMessage(error)}${shown}`);
  }
}

const KNOWN = new Set(CONFIG_KEYS.map((k) => k.path));
const SECTIONS = new Set(CONFIG_KEYS.filter((k) => k.path.includes('.')).map((k) => k.path.split('.')[0]!));

/** Keys starting with "//" are comments, as in the example file. Anything else unknown is a typo worth an error. */
function rejectUnknownKeys(object: Record<string, unknown>, prefix: string): void {
  for (const [name, value] of Object.entries(object)) {
    if (name.startsWith('//')) continue;
    const keyPath = prefix + name;
    if (KNOWN.has(keyPath)) continue;
    if (!prefix && SECTIONS.has(name) && isObject(value)) {
      rejectUnknownKeys(value, `${name}.`);
      continue;
    }
    throw new UsageError(`unknown config key "${keyPath}"`);
  }
}

function lookup(object: Record<string, unknown>, dotted: string): unknown {
  let node: unknown = object;
  for (const part of dotted.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function unflatten(values: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [dotted, value] of values) {
    const parts = dotted.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
