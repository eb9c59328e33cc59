// Preloaded into the CLI by the end-to-end benchmark (`node --import`): when the process exits, it writes its peak
// resident set size in KB (getrusage's ru_maxrss: the whole process, render threads included) to the file named by
// BENCH_PEAK_RSS_FILE. Polling /proc from outside would miss the last moments and every peak between two polls.
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file && isMainThread) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
