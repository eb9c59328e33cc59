// A FileIdentity read back from JSON a destination keeps (the local folder's journal lines, the inventory files of
// Drive and OneDrive): every field checked, so a torn, foreign or newer record is no identity rather than a wrong one.
import type { FileIdentity, StoredKind } from './destination.js';

const KINDS: readonly StoredKind[] = ['orders', 'invoices', 'receipts', 'fact'];

/** The identity in `raw` (an object holding its fields), or null when any field is missing or of the wrong type. */
export function identityFromJson(raw: unknown): FileIdentity | null {
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : null);
  const int = (k: string) => (Number.isInteger(o[k]) ? (o[k] as number) : null);
  const [account, kind, sourceId, hash, token, sha256] = ['account', 'kind', 'sourceId', 'hash', 'token', 'sha256'].map(str);
  const version = int('version');
  const size = int('size');
  if (!account || !sourceId || !hash || !token || !sha256 || version === null || size === null) return null;
  if (!KINDS.includes(kind as StoredKind)) return null;
  return { account, kind: kind as StoredKind, sourceId, version, hash, token, size, sha256 };
}
