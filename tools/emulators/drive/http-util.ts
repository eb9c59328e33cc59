// Small HTTP helpers shared by the handlers. Bodies are buffered whole: test payloads are small, and buffering
// lets a fault answer only after the client has finished sending (a server that answers mid-body makes the client
// see EPIPE instead of the status it should be testing).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Reads at most `limit` bytes of the body, then stops listening: used to cut a connection mid-upload. Resolves
 * with what arrived (possibly the whole body when it was shorter than `limit`).
 */
export function readBodyPrefix(req: IncomingMessage, limit: number): Promise<{ bytes: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    let done = false;
    const finish = (complete: boolean) => {
      if (done) return;
      done = true;
      req.removeAllListeners('data');
      resolve({ bytes: Buffer.concat(chunks).subarray(0, limit), complete });
    };
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= limit) finish(false);
    });
    req.on('end', () => finish(true));
    req.on('error', (e) => (done ? undefined : reject(e)));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

export function sendError(res: ServerResponse, e: HttpError): void {
  if (e.body === undefined || e.body === null) sendEmpty(res, e.status, e.headers);
  else if (typeof e.body === 'string') {
    res.writeHead(e.status, { 'content-type': 'text/html; charset=UTF-8', ...e.headers });
    res.end(e.body);
  } else sendJson(res, e.status, e.body, e.headers);
}

/** Parses a JSON request body; an empty body is `{}` (Drive accepts a create with no body). */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, {
      error: { code: 400, message: 'Parse Error', errors: [{ message: 'Parse Error', domain: 'global', reason: 'parseError' }] },
    });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new HttpError(400, {
      error: { code: 400, message: 'Parse Error', errors: [{ message: 'Parse Error', domain: 'global', reason: 'parseError' }] },
    });
  }
  return v as Record<string, unknown>;
}

/** Query-string booleans as Google reads them: only "true" is true. */
export function flag(q: URLSearchParams, name: string): boolean {
  return q.get(name) === 'true';
}
