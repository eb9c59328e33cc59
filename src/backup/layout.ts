// The folders below the root: a template of {account}, {yyyy}, {MM} and {kind}. Pure.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { DocumentKind } from '../domain/documents.js';
import { safeBaseName } from './naming.js';

export const KIND_FOLDER: Record<DocumentKind, string> = { orders: 'Orders', invoices: 'Invoices', receipts: 'Receipts' };

/** BaseLinker's own layout: year, month, kind. */
export const DEFAULT_LAYOUT = '{yyyy}/{MM}/{kind}';
/** With several accounts, each has a folder of its own first. */
export const ACCOUNTS_LAYOUT = '{account}/{yyyy}/{MM}/{kind}';

const PLACEHOLDERS = ['account', 'yyyy', 'MM', 'kind'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
type Piece = { literal: string } | { placeholder: Placeholder };

export interface Layout {
  template: string;
  segments: Piece[][];
  hasAccount: boolean;
}

/**
 * Parses and checks a template; throws a message completing "<key> …". Refused: unknown placeholders, a repeated
 * one, an empty or special segment, and {account} sharing a segment with another placeholder: account names vary in
 * length, so "{account}{yyyy}" could put two accounts' folders in the same place.
 */
export function parseLayout(template: string): Layout {
  const segments = template.split('/').map((segment) => parseSegment(segment));
  const used = segments.flat().flatMap((p) => ('placeholder' in p ? [p.placeholder] : []));
  for (const name of PLACEHOLDERS) {
    if (used.filter((u) => u === name).length > 1) throw new Error(`must use {${name}} at most once (got ${JSON.stringify(template)})`);
  }
  for (const required of ['yyyy', 'kind'] as const) {
    if (!used.includes(required)) throw new Error(`must contain {${required}} (got ${JSON.stringify(template)})`);
  }
  for (const segment of segments) {
    if (segment.some((p) => 'placeholder' in p && p.placeholder === 'account') && segment.filter((p) => 'placeholder' in p).length > 1) {
      throw new Error(`must keep {account} in a folder of its own, apart from other placeholders (got ${JSON.stringify(template)})`);
    }
  }
  return { template, segments, hasAccount: used.includes('account') };
}

function parseSegment(segment: string): Piece[] {
  if (segment === '') throw new Error('must be folders separated by single slashes, with none empty');
  const pieces: Piece[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m; (m = pattern.exec(segment)); ) {
    if (m.index > last) pieces.push({ literal: segment.slice(last, m.index) });
    const name = m[1] as Placeholder;
    if (!PLACEHOLDERS.includes(name)) throw new Error(`knows {account}, {yyyy}, {MM} and {kind} only (got {${m[1]}})`);
    pieces.push({ placeholder: name });
    last = m.index + m[0].length;
  }
  if (last < segment.length) pieces.push({ literal: segment.slice(last) });
  const literal = pieces.flatMap((p) => ('literal' in p ? [p.literal] : [])).join('');
  // eslint-disable-next-line no-control-regex
  if (/[{}\\:*?"<>|\u0000-\u001f]/.test(literal) || segment === '.' || segment === '..' || segment.startsWith('.') || /[. ]$/.test(segment)) {
    throw new Error(`has a folder name no destination accepts: ${JSON.stringify(segment)}`);
  }
  return pieces;
}

export interface Placement {
  /** The account's folder name (see accountFolderName). */
  account: string;
  kind: DocumentKind;
  /** Unix seconds: the month of this instant, in `timeZone`. */
  at: number;
  timeZone: string;
}

/** The folders of one document below the root: ["2026", "11", "Invoices"] with the default layout. */
export function layoutFolders(layout: Layout, p: Placement): string[] {
  const local = new TZDate(p.at * 1000, p.timeZone);
  const value: Record<Placeholder, string> = {
    account: p.account,
    yyyy: format(local, 'yyyy'),
    MM: format(local, 'MM'),
    kind: KIND_FOLDER[p.kind],
  };
  return layout.segments.map((segment) => segment.map((piece) => ('literal' in piece ? piece.literal : value[piece.placeholder])).join(''));
}

/**
 * What each folder level of an account's tree may be called, as patterns: a walk of the destination (adoption)
 * lists one level, keeps the folders that match, and goes down.
 */
export function levelPatterns(layout: Layout, accountFolder: string): RegExp[] {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern: Record<Placeholder, string> = {
    account: escape(accountFolder),
    yyyy: '\\d{4}',
    MM: '(0[1-9]|1[0-2])',
    kind: `(${Object.values(KIND_FOLDER).join('|')})`,
  };
  return layout.segments.map((segment) => new RegExp(`^${segment.map((p) => ('literal' in p ? escape(p.literal) : pattern[p.placeholder])).join('')}$`));
}

const parsed = new Map<string, Layout>();

export function layoutOf(template: string): Layout {
  let layout = parsed.get(template);
  if (!layout) parsed.set(template, (layout = parseLayout(template)));
  return layout;
}

/** BaseLinker Backup/2026/11/Invoices: where a document of this kind dated `at` goes, by the account's layout. */
export function documentFolder(
  config: { rootFolder: string; layout: string; timeZone: string; account: { folderName: string } },
  kind: DocumentKind,
  at: number,
): string[] {
  return [config.rootFolder, ...layoutFolders(layoutOf(config.layout), { account: config.account.folderName, kind, at, timeZone: config.timeZone })];
}

/** `<name>_<nip>` when both are set, else `<name>`, else the id; made safe like a file name. */
export function accountFolderName(account: { id: string; name: string | null; nip: string | null }): string {
  const nip = account.nip?.replace(/[\s-]/g, '') ?? null;
  const wanted = account.name && nip ? `${account.name}_${nip}` : (account.name ?? account.id);
  return safeBaseName(wanted) || account.id;
}
