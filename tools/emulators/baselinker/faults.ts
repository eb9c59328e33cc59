// Transport failures a real night brings (a proxy's HTML page, a 5xx, a cut connection, a truncated body, a
// slow answer, a sudden block), and one bad payload (a "file" that is not a PDF), queued by tests and consumed
// by the requests they match, first come first served.

/** notPdf: getInvoiceFile answers SUCCESS, but its file is an HTML error page instead of a PDF. */
export type FaultKind = 'http500' | 'html' | 'badJson' | 'reset' | 'delay' | 'blocked' | 'notPdf';

export interface Fault {
  kind: FaultKind;
  /** Only requests for this API method trigger it; any method when absent. */
  method?: string;
  /** How many matching requests it hits. Default 1. */
  times?: number;
  /** delay: how long before answering. blocked: how long the token stays blocked. Default 3000 ms. */
  delayMs?: number;
  /** http500: the status sent (default 500). html: 200 (default, the treacherous case) or e.g. 502. */
  httpStatus?: number;
}

export interface FaultQueue {
  add(fault: Fault): void;
  /** The fault this request triggers, if any, counted as used. */
  take(method: string): Fault | undefined;
}

export function createFaultQueue(): FaultQueue {
  const queue: { fault: Fault; left: number }[] = [];
  return {
    add(fault) {
      queue.push({ fault: { ...fault }, left: fault.times ?? 1 });
    },
    take(method) {
      const index = queue.findIndex((q) => q.fault.method === undefined || q.fault.method === method);
      const entry = queue[index];
      if (!entry) return undefined;
      entry.left -= 1;
      if (entry.left <= 0) queue.splice(index, 1);
      return entry.fault;
    },
  };
}

export const HTML_ERROR_PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>
`;

/** Cuts a JSON answer in half, as a dropped connection behind a proxy would. */
export function truncateJson(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
