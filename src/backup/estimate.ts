// What a dry run says about the real run: how many requests it needs, and how long pacing makes that take.
import type { Config } from '../config/config.js';
import { destinationId } from '../destinations/create.js';
import { pluginFor, settingsFor } from '../destinations/registry.js';
import type { Ledger } from '../ledger/ledger.js';
import { count } from '../lib/plural.js';
import type { Tally } from './tally.js';

export interface Estimate {
  baselinkerRequests: number;
  baselinkerSeconds: number;
  requestsPerMinute: number;
  destinations: { id: string; files: number; requests: number; seconds: number; pace: string | null }[];
}

/**
 * BaseLinker: the list requests the dry run itself made, plus the per-document ones it skipped. Each destination:
 * its plugin's own cost model for the files and the folders the ledger does not know yet.
 */
export function estimateRun(config: Config, ledger: Ledger, tally: Tally, listRequests: number): Estimate {
  const baselinkerRequests = listRequests + tally.plannedSourceRequests;
  const perMinute = config.baselinker.requestsPerMinute;
  const destinations = config.destinations.map((spec) => {
    const id = destinationId(spec, config);
    const plugin = pluginFor(spec.scheme);
    const paths = tally.planned.filter((p) => p.destination === id).map((p) => p.path);
    const folders = new Set<string>();
    for (const p of paths) {
      const parts = p.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    const newFolders = [...folders].filter((f) => !ledger.folder(id, f)?.confirmed && ledger.storedNames(id, f).length === 0).length;
    const into = new Set(paths.map((p) => p.slice(0, p.lastIndexOf('/')))).size;
    const cost = plugin.cost?.({ settings: settingsFor(plugin, config), files: paths.length, folders: into, newFolders });
    return { id, files: paths.length, requests: cost?.requests ?? 0, seconds: cost?.seconds ?? 0, pace: cost?.pace ?? null };
  });
  return { baselinkerRequests, baselinkerSeconds: perMinute > 0 ? (baselinkerRequests * 60) / perMinute : 0, requestsPerMinute: perMinute, destinations };
}

export function describeEstimate(e: Estimate): string {
  const lines = [`the real run needs about ${count(e.baselinkerRequests, 'BaseLinker request')} (${paced(e.baselinkerSeconds, e.requestsPerMinute > 0 ? `${e.requestsPerMinute}/min` : null)})`];
  for (const d of e.destinations) {
    const requests = d.pace ? `, about ${count(d.requests, 'request')} (${paced(d.seconds, d.pace)})` : '';
    lines.push(`${d.id}: ${count(d.files, 'file')}${requests}`);
  }
  return lines.join('\n');
}

/** How long pacing makes it take: "unpaced" where there is no pace, or it costs no time ("0 s at unpaced" said nothing). */
function paced(seconds: number, pace: string | null): string {
  return pace && seconds > 0 ? `${duration(seconds)} at ${pace}` : 'unpaced';
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
