// What a dry run says about the real run: how many requests it needs, and how long pacing makes that take.
import type { Config } from '../config/config.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Tally } from './tally.js';

export interface Estimate {
  baselinkerRequests: number;
  baselinkerSeconds: number;
  destinations: { id: string; files: number; requests: number; seconds: number }[];
}

const IDS_PER_REQUEST = 100;

/**
 * BaseLinker: the list requests the dry run itself made, plus the per-document ones it skipped. Drive: one upload
 * per file, a search and a create per folder not yet known, a batch of ids per hundred files and one sign-in
 * check; only writes are paced. A local folder makes no requests.
 */
export function estimateRun(config: Config, ledger: Ledger, tally: Tally, listRequests: number): Estimate {
  const baselinkerRequests = listRequests + tally.plannedSourceRequests;
  const perMinute = config.baselinker.requestsPerMinute;
  const destinations = [...new Set(tally.planned.map((p) => p.destination))].map((id) => {
    const paths = tally.planned.filter((p) => p.destination === id).map((p) => p.path);
    if (!id.startsWith('gdrive')) return { id, files: paths.length, requests: 0, seconds: 0 };
    const folders = new Set<string>();
    for (const p of paths) {
      const parts = p.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    const newFolders = [...folders].filter((f) => !ledger.folder(id, f)?.confirmed).length;
    const writes = paths.length + newFolders;
    const requests = writes + newFolders + Math.ceil(paths.length / IDS_PER_REQUEST) + 1;
    const perSecond = config.gdrive.writesPerSecond;
    return { id, files: paths.length, requests, seconds: perSecond > 0 ? writes / perSecond : 0 };
  });
  return { baselinkerRequests, baselinkerSeconds: perMinute > 0 ? (baselinkerRequests * 60) / perMinute : 0, destinations };
}

export function describeEstimate(e: Estimate, config: Config): string {
  const lines = [
    `the real run needs about ${e.baselinkerRequests} BaseLinker requests (${duration(e.baselinkerSeconds)} at ${config.baselinker.requestsPerMinute || 'unpaced'}${config.baselinker.requestsPerMinute ? '/min' : ''})`,
  ];
  for (const d of e.destinations) {
    lines.push(
      d.requests > 0
        ? `${d.id}: ${d.files} files, about ${d.requests} requests (${duration(d.seconds)} at ${config.gdrive.writesPerSecond} writes/s)`
        : `${d.id}: ${d.files} files`,
    );
  }
  return lines.join('\n');
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
