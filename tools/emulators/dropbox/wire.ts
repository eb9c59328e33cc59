// How an API call's argument arrives and how answers leave, per route style (HTTP docs "Request and response
// formats"; the 400 texts are Dropbox's own words as clients have quoted them in bug reports):
//   rpc       JSON body; Content-Type application/json (or the CORS hack text/plain; charset=dropbox-cors-hack).
//             A Void argument is no body at all, or the JSON null.
//   upload    argument as JSON in the Dropbox-API-Arg header or the `arg` query parameter; bytes in the body, typed
//             application/octet-stream (or the CORS hack).
//   download  argument likewise, empty body; the result as JSON in the Dropbox-API-Result header.
// The header must be ASCII ("HTTP header safe" JSON, /developers/reference/json-encoding): U+007F and above travel as
// \uXXXX escapes, so a raw byte from 0x7F up is refused.
import type { IncomingHttpHeaders } from 'node:http';
import { badArg, badInput } from './errors.js';
import type { RouteDef } from './routes.js';
import type { Fail } from './stone.js';

const RPC_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain; charset=dropbox-cors-hack'];
const UPLOAD_TYPES = ['application/octet-stream', 'text/plain; charset=dropbox-cors-hack'];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function expectOneOf(route: string, got: string | undefined, allowed: readonly string[]): void {
  if (got !== undefined && allowed.includes(got.toLowerCase())) return;
  throw badInput(route, `Bad HTTP "Content-Type" header: "${got ?? ''}".  Expecting one of ${allowed.map((t) => `"${t}"`).join(', ')}.`);
}

function parseJson(route: string, where: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badArg(route, where, 'could not decode input as JSON');
  }
}

export interface DecodedArg {
  arg: unknown;
  fail: Fail;
}

/** The call's argument, or a 400 as Dropbox words it. */
export function decodeArg(route: string, def: RouteDef, headers: IncomingHttpHeaders, query: URLSearchParams, body: Buffer): DecodedArg {
  const contentType = header(headers, 'content-type');
  if (def.style === 'rpc') {
    const where = 'request body';
    const fail: Fail = (m) => {
      throw badArg(route, where, m);
    };
    if (def.voidArg && body.length === 0 && contentType === undefined) return { arg: null, fail };
    expectOneOf(route, contentType, RPC_TYPES);
    const arg = parseJson(route, where, body.toString('utf8'));
    if (def.voidArg && arg !== null) fail('expected null, got a value (this function takes no arguments)');
    return { arg, fail };
  }
  const raw = header(headers, 'dropbox-api-arg');
  const fromQuery = query.get('arg');
  const where = raw !== undefined ? 'HTTP header "Dropbox-API-Arg"' : 'URL parameter "arg"';
  const fail: Fail = (m) => {
    throw badArg(route, where, m);
  };
  if (raw === undefined && fromQuery === null) throw badInput(route, 'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".');
  // Node reads header bytes as latin-1, so every byte from 0x7F up shows as a character from U+007F up.
  // eslint-disable-next-line no-control-regex
  if (raw !== undefined && /[^\u0000-\u007e]/.test(raw)) fail('could not decode input as JSON');
  const arg = parseJson(route, where, raw ?? fromQuery ?? '');
  if (def.style === 'upload') expectOneOf(route, contentType, UPLOAD_TYPES);
  else if (body.length > 0) throw badInput(route, 'The request body is supposed to be empty, but it isn\'t.');
  return { arg, fail };
}

/** The bearer token, from the Authorization header or the `authorization` URL parameter. */
export function bearerToken(route: string, headers: IncomingHttpHeaders, query: URLSearchParams): string {
  const value = header(headers, 'authorization') ?? query.get('authorization') ?? undefined;
  if (value === undefined) throw badInput(route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".');
  const m = /^Bearer (\S+)$/.exec(value);
  // The value is a secret: unlike Dropbox, which quotes it back, the emulator does not repeat it.
  if (!m) throw badInput(route, 'Invalid authorization value in HTTP header "Authorization".  Expecting "Bearer <oauth2-access-token>".');
  return m[1]!;
}

/** JSON that can travel in an HTTP header: U+007F and above as \uXXXX. */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
