// A file's identity as Drive appProperties: set in the create request itself, so a file never exists without it.
// Private to this OAuth client, at most 30 per file and 124 bytes per key and value together.
import type { FileIdentity, StoredKind } from '../destination.js';

const MARKER = 'blb';
const KINDS: readonly StoredKind[] = ['orders', 'invoices', 'receipts', 'fact'];

/** The identity as appProperties. The token is the file's id (a pre-generated one), so it needs no property. */
export function identityProperties(identity: FileIdentity): Record<string, string> {
  return {
    [MARKER]: '1',
    account: identity.account,
    kind: identity.kind,
    source: identity.sourceId,
    version: String(identity.version),
    hash: identity.hash,
    size: String(identity.size),
    sha256: identity.sha256,
  };
}

/** The identity of a listed file, or null for a file without ours (made by hand, or by an older version). */
export function identityFromProperties(fileId: string, properties: Record<string, string> | null | undefined): FileIdentity | null {
  const p = properties ?? {};
  if (p[MARKER] !== '1') return null;
  const version = Number(p.version);
  const size = Number(p.size);
  if (!p.account || !p.source || !p.hash || !p.sha256 || !KINDS.includes(p.kind as StoredKind) || !Number.isInteger(version) || !Number.isInteger(size)) return null;
  return { account: p.account, kind: p.kind as StoredKind, sourceId: p.source, version, hash: p.hash, token: fileId, size, sha256: p.sha256 };
}
