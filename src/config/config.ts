import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS_LAYOUT, accountFolderName, DEFAULT_LAYOUT } from '../backup/layout.js';
import type { DestinationSpec } from '../destinations/plugin.js';
import { UsageError, errorMessage } from '../lib/errors.js';
import { registerSecret } from '../lib/secrets.js';
import { SCHEMA, type SettingsValues } from './schema.js';
import { flatten, isSetting, type Section, type Setting } from './setting.js';

export type { DestinationSpec } from '../destinations/plugin.js';

/** Who a configuration backs up: one BaseLinker account. */
export interface AccountIdentity {
  /** "default" for an installation of one account (no `accounts`). */
  id: string;
  name: string | null;
  nip: string | null;
  /** Its folder name where the layout has {account}. */
  folderName: string;
  /** True for the one account an installation without `accounts` has. */
  implicit: boolean;
}

/** Everything one account's backup needs: its own settings, and the installation's. */
export type Config = Omit<SettingsValues, 'accounts' | 'destinations' | 'layout' | 'name' | 'schedule'> & {
  account: AccountIdentity;
  schedule: { time: string; timeZone: string };
  destinations: DestinationSpec[];
  layout: string;
  /** This account's ledger, lock and spool (the installation's data dir for the implicit account). */
  dataDir: string;
  /** The installation's data dir: sign-ins and the log file. */
  installDataDir: string;
  /** The file the settings came from, if any. */
  source: string | null;
};

export interface Installation {
  /** The top-level settings, before accounts override them. */
  settings: SettingsValues;
  accounts: Config[];
  source: string | null;
}

export const DEFAULT_CONFIG_FILE = 'config/backup.json';
const ACCOUNT_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

type Env = Record<string, string | undefined>;
type Json = Record<string, unknown>;

const SETTINGS = flatten(SCHEMA);
const ACCOUNT_SETTINGS = SETTINGS.filter((s) => s.setting.scope === 'account');

/**
 * File, then environment, then checks. BACKUP_CONFIG names the file; without it config/backup.json is read when it
 * exists. Errors name the key (and the variable) so a person can fix it.
 */
export function loadInstallation(env: Env = process.env, cwd = process.cwd()): Installation {
  const source = path.resolve(cwd, env.BACKUP_CONFIG || DEFAULT_CONFIG_FILE);
  const file = readConfigFile(source, Boolean(env.BACKUP_CONFIG));
  if (file) rejectUnknownKeys(file, SCHEMA, '');

  const values = new Map<string, unknown>();
  for (const { path: key, setting } of SETTINGS) {
    const fromEnv = setting.env ? env[setting.env] : undefined;
    const useEnv = fromEnv !== undefined && fromEnv !== '';
    const raw = useEnv ? fromEnv : file ? lookup(file, key) : undefined;
    // null in the file means "not set", as the example file shows for optional keys.
    values.set(key, raw === undefined || raw === null ? setting.default : parseValue(key, setting, raw, useEnv ? 'env' : 'file', cwd));
  }
  const settings = unflatten(values) as SettingsValues;
  settings.dataDir = path.resolve(cwd, settings.dataDir);
  for (const { path: key, setting } of SETTINGS) if (setting.secret) registerSecret(values.get(key) as string | null);

  if (file && hasToken(file)) refuseReadableTokens(source);
  const accounts = settings.accounts === null ? [implicitAccount(settings, values, file ? source : null)] : settings.accounts.map((raw, i) => explicitAccount(raw, i, settings, values, env, cwd, file ? source : null));
  const ids = new Set<string>();
  for (const a of accounts) {
    if (ids.has(a.account.id)) throw new UsageError(`config key "accounts": the id "${a.account.id}" is used twice`);
    ids.add(a.account.id);
  }
  return { settings, accounts, source: file ? source : null };
}

/** The one account of an installation without `accounts`, or the only one configured. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const { accounts } = loadInstallation(env, cwd);
  if (accounts.length > 1) throw new UsageError(`several accounts are configured (${accounts.map((a) => a.account.id).join(', ')}): name one with --account`);
  return accounts[0]!;
}

function implicitAccount(settings: SettingsValues, values: Map<string, unknown>, source: string | null): Config {
  const account = { id: 'default', name: settings.name, nip: settings.nip, implicit: true };
  return finish(settings, values, { ...account, folderName: accountFolderName(account) }, settings.dataDir, settings.layout ?? DEFAULT_LAYOUT, source, null);
}

function explicitAccount(raw: unknown, index: number, settings: SettingsValues, topValues: Map<string, unknown>, env: Env, cwd: string, source: string | null): Config {
  const where = `config key "accounts[${index}]"`;
  if (!isObject(raw)) throw new UsageError(`${where} must be an object with at least an "id"`);
  const id = raw.id;
  if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) {
    throw new UsageError(`${where}.id must be lower-case letters, digits and "-", at most 40, not starting or ending with "-" (got ${JSON.stringify(id)})`);
  }
  const accountSection = accountSchema();
  rejectUnknownKeys(raw, accountSection, `accounts[${index}].`, ['id']);
  const values = new Map(topValues);
  for (const { path: key, setting } of ACCOUNT_SETTINGS) {
    const own = lookup(raw, key);
    if (own !== undefined && own !== null) values.set(key, parseValue(`accounts[${index}].${key}`, setting, own, 'file', cwd));
  }
  const tokenEnv = `BASELINKER_TOKEN_${id.toUpperCase().replaceAll('-', '_')}`;
  if (env[tokenEnv]) values.set('baselinker.token', env[tokenEnv]);
  const own = unflatten(values) as SettingsValues;
  for (const key of ['baselinker.token', 'healthcheck.url']) registerSecret(values.get(key) as string | null);
  const account = { id, name: own.name, nip: own.nip, implicit: false };
  const layout = own.layout ?? ACCOUNTS_LAYOUT;
  if (!layout.includes('{account}')) {
    throw new UsageError(`${where}.layout must contain {account} when several accounts are configured, or two accounts' documents would share folders (got ${JSON.stringify(layout)})`);
  }
  return finish(own, values, { ...account, folderName: accountFolderName(account) }, path.join(settings.dataDir, 'accounts', id), layout, source, `account "${id}"`);
}

function finish(own: SettingsValues, values: Map<string, unknown>, account: AccountIdentity, dataDir: string, layout: string, source: string | null, who: string | null): Config {
  if (!own.destinations) {
    throw new UsageError(`no destination configured${who ? ` for ${who}` : ''}: set BACKUP_DESTINATION=local:<folder> (or "destinations" in the config file)`);
  }
  if (own.orders.windowDays > own.orders.lookbackDays) {
    throw new UsageError(`config key "orders.windowDays" (${own.orders.windowDays}) must not exceed "orders.lookbackDays" (${own.orders.lookbackDays})${who ? ` for ${who}` : ''}: orders whose status changed in the window are found only within the lookback`);
  }
  const { accounts: _accounts, name: _name, ...rest } = own;
  const token = own.baselinker.token ?? readTokenFile(own.baselinker.tokenFile, values.has('baselinker.tokenFile') ? 'baselinker.tokenFile' : '');
  return {
    ...rest,
    baselinker: { ...rest.baselinker, token },
    account,
    destinations: own.destinations,
    layout,
    dataDir,
    installDataDir: own.dataDir,
    schedule: { ...rest.schedule, timeZone: rest.schedule.timeZone ?? rest.timeZone },
    source,
  };
}

/** The settings an entry of `accounts` may set: the account-level ones. */
function accountSchema(): Section {
  const out: Record<string, unknown> = {};
  for (const { path: key, setting } of ACCOUNT_SETTINGS) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = setting;
  }
  return out as unknown as Section;
}

/** A token in a file of its own, which only its owner may read. */
function readTokenFile(file: string | null, key: string): string | null {
  if (!file) return null;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw new UsageError(`config key "${key}": cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  if ((stat.mode & 0o077) !== 0) throw new UsageError(`config key "${key}": ${file} holds a token and others may read it: chmod 600 ${file}`);
  const token = fs.readFileSync(file, 'utf8').trim();
  if (!token) throw new UsageError(`config key "${key}": ${file} is empty`);
  registerSecret(token);
  return token;
}

function hasToken(file: Json): boolean {
  const token = (o: unknown) => isObject(o) && isObject(o.baselinker) && typeof o.baselinker.token === 'string' && o.baselinker.token !== '';
  return token(file) || (Array.isArray(file.accounts) && file.accounts.some(token));
}

/** A token in a config file that others can read is a leaked token: refuse to use it. */
function refuseReadableTokens(file: string): void {
  const mode = fs.statSync(file).mode;
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`config file ${file} holds a BaseLinker token and others may read it: chmod 600 ${file}, or move the token to the environment or a tokenFile`);
  }
}

function readConfigFile(file: string, required: boolean): Json | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  // Notepad and some editors start UTF-8 files with a byte-order mark, which JSON does not allow.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON: ${jsonErrorWhere(text, errorMessage(error))}`);
  }
  if (!isObject(parsed)) throw new UsageError(`config file ${file} must hold a JSON object`);
  return parsed;
}

/** "… at position 42" → "line 3, column 7: …", which an editor can go to. */
function jsonErrorWhere(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  const position = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : null;
  const reason = message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (position === null) return reason;
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}: ${reason}`;
}

function parseValue(key: string, setting: Setting<unknown>, raw: unknown, from: 'env' | 'file', cwd: string): unknown {
  try {
    return setting.parse(raw, { cwd });
  } catch (error) {
    const where = from === 'env' ? `${setting.env} (config key "${key}")` : `config key "${key}"`;
    // A URL's user:password is a secret whatever the setting.
    const hidden = setting.secret || typeof raw === 'object' || /\/\/[^/]*@/.test(String(raw));
    const shown = hidden ? '' : ` (got ${JSON.stringify(raw)})`;
    throw new UsageError(`${where} ${errorMessage(error)}${shown}`);
  }
}

/** Keys starting with "//" are comments, as in the example file. Anything else unknown is a typo worth an error. */
function rejectUnknownKeys(object: Json, section: Section, prefix: string, extra: readonly string[] = []): void {
  for (const [name, value] of Object.entries(object)) {
    if (name.startsWith('//') || extra.includes(name)) continue;
    const known = section[name];
    if (!known) throw new UsageError(`unknown config key "${prefix}${name}"`);
    if (isSetting(known)) continue;
    if (value === null) continue;
    if (!isObject(value)) {
      throw new UsageError(`config key "${prefix}${name}" must be an object with ${Object.keys(known).map((k) => `"${k}"`).join(', ')} (got ${JSON.stringify(value)})`);
    }
    rejectUnknownKeys(value, known, `${prefix}${name}.`);
  }
}

function lookup(object: Json, dotted: string): unknown {
  let node: unknown = object;
  for (const part of dotted.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function unflatten(values: Map<string, unknown>): Json {
  const out: Json = {};
  for (const [dotted, value] of values) {
    const parts = dotted.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Json;
    node[parts.at(-1)!] = value;
  }
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
