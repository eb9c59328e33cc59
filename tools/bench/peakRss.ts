// Preloaded into the CLI by the end-to-end benchmark (`node --import`): when the process exits, it writes its peak
// resident set size in KB to the file named by BENCH_PEAK_RSS_FILE: the whole process, render threads included.
// Polling from outside would miss the last moments and every peak between two polls.
//
// VmHWM, not getrusage's ru_maxrss (process.resourceUsage().maxRSS): Linux carries ru_maxrss across exec, so a
// child's starts at the size of the parent that spawned it (a benchmark process holding a large shop reported its
// own few hundred MB as the CLI's peak). VmHWM belongs to the CLI's own address space. Elsewhere, ru_maxrss.
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** This process's peak resident set size in KB, threads included. */
export function peakKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file && isMainThread) process.on('exit', () => fs.writeFileSync(file, String(peakKb())));
