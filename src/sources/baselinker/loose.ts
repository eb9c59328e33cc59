// BaseLinker sends numbers as strings, flags as 0/1/"0"/"1"/true and "" for "none". These read such values
// leniently, once, at the boundary. A value that cannot be read at all is a malformed answer, not a zero.
import { SourceError } from '../../lib/errors.js';

export type Wire = Record<string, unknown>;

export function record(value: unknown, what: string): Wire {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not an object`);
  return value as Wire;
}

export function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  // PHP encodes an empty or sparse array as an object.
  if (typeof value === 'object') return Object.values(value);
  throw malformed(`${what} is not a list`);
}

export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function num(value: unknown, what: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim().replace(',', '.')) : NaN;
  if (!Number.isFinite(n)) throw malformed(`${what} is not a number (${JSON.stringify(value)})`);
  return n;
}

/** A required identifier: present and a positive whole number. */
export function id(value: unknown, what: string): number {
  const n = num(value, what);
  if (!Number.isInteger(n) || n <= 0) throw malformed(`${what} is missing or not an id (${JSON.stringify(value)})`);
  return n;
}

export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

export function malformed(detail: string): SourceError {
  return new SourceError(`BaseLinker sent a malformed answer: ${detail}`, 'MALFORMED');
}
