// BaseLinker's connector.php on 127.0.0.1, for end-to-end tests and the demo. It speaks the real wire format:
// one POST endpoint, form-encoded `method` + `parameters` (JSON), the token in X-BLToken, and every API answer
// HTTP 200 with status SUCCESS or ERROR. Faithful rather than convenient: clients must cope with what the real
// server does (errors with HTTP 200, 100-item pages, per-token blocking), and tests can add transport faults.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaultQueue, HTML_ERROR_PAGE, truncateJson, type Fault, type FaultKind } from './faults.js';
import { callMethod, type MethodResult } from './methods.js';
import type { Params } from './params.js';
import { createRateLimiter } from './rateLimit.js';
import type { Shop } from './shop.js';

export interface BaseLinkerEmulatorOptions {
  token: string;
  /** Served live and never copied: tests may edit it between requests. */
  shop: Shop;
  /**
   * More BaseLinker accounts on the same endpoint, as the real API serves every account: the token says whose
   * shop a request reads (an accounting office's clients).
   */
  accounts?: { label: string; token: string; shop: Shop }[];
  /** Default 100, the real limit. */
  requestsPerMinute?: number;
  /** How long a token stays blocked after exceeding the limit. Default 300. */
  blockSeconds?: number;
  /** Milliseconds since the epoch; injectable so tests can move time. Default Date.now. */
  now?: () => number;
  /** >1 makes the rate-limit minute and the block pass that many times faster (benchmarks). Default 1. */
  timeScale?: number;
  /** Default 0: any free port. */
  port?: number;
}

export interface RecordedRequest {
  /** The `method` field as sent ("" when missing). */
  method: string;
  /** Whose shop it read: the label of one of `accounts`, or "" for the first shop (or a refused token). */
  account: string;
  /** Parsed `parameters`, or the raw text when it was not valid JSON. Never holds the token. */
  parameters: unknown;
  /** now() when the request arrived. */
  at: number;
  outcome: 'SUCCESS' | 'ERROR' | 'fault';
  errorCode?: string;
  /** The injected fault this request met, if any. */
  fault?: FaultKind;
}

export interface BaseLinkerEmulator {
  /** http://127.0.0.1:<port>/connector.php */
  url: string;
  shop: Shop;
  requests: RecordedRequest[];
  injectFault(fault: Fault): void;
  close(): Promise<void>;
}

type Answer = { ok: true; body: Record<string, unknown> } | { ok: false; code: string; message: string };

const CONNECTOR_PATH = '/connector.php';

export async function startBaseLinkerEmulator(o: BaseLinkerEmulatorOptions): Promise<BaseLinkerEmulator> {
  const now = o.now ?? Date.now;
  const limiter = createRateLimiter({
    requestsPerMinute: o.requestsPerMinute ?? 100,
    blockSeconds: o.blockSeconds ?? 300,
    timeScale: o.timeScale ?? 1,
    now,
  });
  const faults = createFaultQueue();
  const requests: RecordedRequest[] = [];
  let shop = o.shop;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== CONNECTOR_PATH) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const method = form.get('method') ?? '';
    const parsed = parseParameters(form.get('parameters'));
    // The header is the documented way; the `token` body field is deprecated but still honoured.
    const token = req.headers['x-bltoken']?.toString() ?? form.get('token') ?? '';
    const record: RecordedRequest = {
      method,
      account: o.accounts?.find((a) => a.token === token)?.label ?? '',
      parameters: parsed.ok ? withoutToken(parsed.params) : parsed.raw,
      at: now(),
      outcome: 'fault',
    };
    requests.push(record);

    const fault = faults.take(method);
    if (fault) record.fault = fault.kind;
    switch (fault?.kind) {
      case 'http500':
        send(res, fault.httpStatus ?? 500, 'text/plain; charset=utf-8', 'Internal Server Error');
        return;
      case 'html':
        send(res, fault.httpStatus ?? 200, 'text/html; charset=utf-8', HTML_ERROR_PAGE);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'delay':
        await sleep(fault.delayMs ?? 3000);
        break;
    }

    const answer = await answerFor(token, method, parsed, fault);
    if (fault?.kind === 'notPdf' && answer.ok && typeof answer.body.invoice === 'string') {
      answer.body.invoice = `data:${Buffer.from(HTML_ERROR_PAGE).toString('base64')}`;
    }
    record.outcome = answer.ok ? 'SUCCESS' : 'ERROR';
    if (!answer.ok) record.errorCode = answer.code;
    const body = phpJson(
      answer.ok
        ? { status: 'SUCCESS', ...answer.body }
        : { status: 'ERROR', error_code: answer.code, error_message: answer.message },
    );
    if (fault?.kind === 'badJson') {
      record.outcome = 'fault';
      send(res, 200, 'application/json; charset=utf-8', truncateJson(body));
      return;
    }
    send(res, 200, 'application/json; charset=utf-8', body);
  }

  async function answerFor(token: string, method: string, parsed: ParsedParameters, fault?: Fault): Promise<Answer> {
    const served = token === '' ? undefined : token === o.token ? shop : o.accounts?.find((a) => a.token === token)?.shop;
    if (!served) return { ok: false, code: 'ERROR_BAD_TOKEN', message: 'Invalid user token' };
    const admission =
      fault?.kind === 'blocked' ? limiter.block(token, now() + (fault.delayMs ?? 3000)) : limiter.admit(token);
    if (!admission.admitted) return { ok: false, code: 'ERROR_BLOCKED_TOKEN', message: admission.message };
    if (!parsed.ok) {
      return { ok: false, code: 'ERROR_PARAMETERS', message: 'Invalid parameters: the JSON could not be parsed' };
    }
    const result: MethodResult = await callMethod(served, method, parsed.params);
    return result.ok ? { ok: true, body: result.payload } : result;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the emulator must be loud in test output, not look like a BaseLinker answer.
      console.error('BaseLinker emulator failed on a request:', err);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Emulator error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${CONNECTOR_PATH}`,
    // Replacing the whole shop works as well as editing it in place.
    get shop() {
      return shop;
    },
    set shop(next) {
      shop = next;
    },
    requests,
    injectFault: (fault) => faults.add(fault),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets of a client that is still running would hold close() open forever.
        server.closeAllConnections();
      }),
  };
}

type ParsedParameters = { ok: true; params: Params } | { ok: false; raw: string };

function parseParameters(raw: string | null): ParsedParameters {
  if (raw === null || raw.trim() === '') return { ok: true, params: {} };
  try {
    const value: unknown = JSON.parse(raw);
    // PHP decodes "[]" to an empty array, which the API takes as "no parameters".
    if (Array.isArray(value) && value.length === 0) return { ok: true, params: {} };
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ok: true, params: value as Params };
    return { ok: false, raw };
  } catch {
    return { ok: false, raw };
  }
}

/** The log must never hold the token, even when a client wrongly puts it into `parameters`. */
function withoutToken(params: Params): Params {
  const { token: _token, ...rest } = params;
  return rest;
}

/** JSON as PHP's json_encode writes it by default: non-ASCII as \uXXXX escapes and "/" as "\/". */
function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
