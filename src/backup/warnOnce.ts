import type { Logger } from '../lib/logger.js';

/** Logs a warning under `key` once: one that would repeat for every document of a backfill says it once a run. */
export type WarnOnce = (key: string, message: string) => void;

export function warnOnce(logger: Logger): WarnOnce {
  const said = new Set<string>();
  return (key, message) => {
    if (said.has(key)) return;
    said.add(key);
    logger.warn(message);
  };
}
