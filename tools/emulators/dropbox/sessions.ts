// Upload sessions (files.stone upload_session/*): bytes gathered over several requests, then committed by a finish.
// A sequential session takes data only at its current end (another offset is incorrect_offset with the correct
// one, which is how a client learns that an append whose answer it lost did arrive). A concurrent session takes
// 4 MiB-aligned pieces in any order and no data in its start or finish. Sessions live 7 days; a finished session
// is gone (a second finish finds not_found). A failed commit keeps the data for another try.
import { randomBytes } from 'node:crypto';
import { tagged, type Union } from './stone.js';

export const CONCURRENT_UNIT = 4 * 1024 * 1024;
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface Session {
  id: string;
  createdAt: number;
  concurrent: boolean;
  /** Sequential: the bytes in order. Concurrent: pieces by offset. */
  pieces: Map<number, Buffer>;
  size: number;
  closed: boolean;
}

/** An UploadSessionLookupError (or a member of UploadSessionAppendError, which repeats its tags). */
export class SessionFailure extends Error {
  constructor(readonly error: Union) {
    super(`upload session: ${error['.tag']}`);
  }
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  start(concurrent: boolean, data: Buffer, close: boolean): Session {
    const s: Session = { id: `pid_upload_session:${randomBytes(36).toString('base64url')}`, createdAt: this.now(), concurrent, pieces: new Map(), size: 0, closed: false };
    this.sessions.set(s.id, s);
    if (data.length > 0) this.put(s, 0, data);
    s.closed = close;
    return s;
  }

  /** The live session, or not_found (unknown, expired after 7 days, or already finished). */
  get(id: string): Session {
    const s = this.sessions.get(id);
    if (!s || this.now() - s.createdAt > this.ttlMs) throw new SessionFailure(tagged('not_found'));
    return s;
  }

  /** Appends at `offset`: upload_session/append(_v2) and the data of a finish. */
  append(s: Session, offset: number, data: Buffer, close: boolean): void {
    if (s.closed) throw new SessionFailure(tagged('closed'));
    if (s.concurrent) {
      if (offset % CONCURRENT_UNIT !== 0) throw new SessionFailure(tagged('concurrent_session_invalid_offset'));
      if (!close && data.length % CONCURRENT_UNIT !== 0) throw new SessionFailure(tagged('concurrent_session_invalid_data_size'));
    } else if (offset !== s.size) {
      throw new SessionFailure(tagged('incorrect_offset', { correct_offset: s.size }));
    }
    if (data.length > 0) this.put(s, offset, data);
    if (close) s.closed = true;
  }

  /** The whole content, for a finish; a concurrent session must be closed and have no gaps. */
  content(s: Session): Buffer {
    const offsets = [...s.pieces.keys()].sort((a, b) => a - b);
    let expected = 0;
    for (const o of offsets) {
      if (o !== expected) throw new SessionFailure(tagged('concurrent_session_missing_data'));
      expected += s.pieces.get(o)!.length;
    }
    return Buffer.concat(offsets.map((o) => s.pieces.get(o)!));
  }

  /** A committed session is used up. */
  finish(s: Session): void {
    this.sessions.delete(s.id);
  }

  private put(s: Session, offset: number, data: Buffer): void {
    s.pieces.set(offset, Buffer.from(data));
    s.size = Math.max(s.size, offset + data.length);
  }
}
