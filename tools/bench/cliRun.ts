// Runs the real CLI (bin/backup.js, the built program, as a user runs it) in a child process for the end-to-end
// benchmark: only the environment given (plus PATH), its peak RSS recorded at exit (peakRss.ts), a hard time limit,
// and, when the checkout has it, the tests' network guard, which refuses and records any connection that would
// leave 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { projectRoot } from '../projectRoot.js';

const BIN = path.join(projectRoot, 'bin/backup.js');
const PEAK_RSS = fileURLToPath(new URL('./peakRss.js', import.meta.url));
const NETWORK_GUARD = path.join(projectRoot, 'test/helpers/networkGuard.mjs');
/** What is kept of the CLI's stderr: the end, to say why a run failed. */
const STDERR_TAIL = 8_000;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** From the process itself at exit; null when it never got there (killed). */
  peakRssKb: number | null;
  stdout: string;
  stderrTail: string;
  /** Connections the network guard refused (host:port), or null when the guard is not in this checkout. */
  leftLoopback: string[] | null;
}

export async function runCli(args: string[], env: Record<string, string>, o: { workDir: string; timeoutMs: number }): Promise<CliRun> {
  const rssFile = path.join(o.workDir, `peak-rss-${process.hrtime.bigint()}`);
  const violations = path.join(o.workDir, `network-${process.hrtime.bigint()}`);
  const guarded = fs.existsSync(NETWORK_GUARD);
  if (guarded) fs.writeFileSync(violations, '');
  const preload = [PEAK_RSS, ...(guarded ? [NETWORK_GUARD] : [])].map((file) => `--import=${pathToFileURL(file).href}`);
  const started = performance.now();
  const child = spawn(process.execPath, [...preload, BIN, ...args], {
    cwd: o.workDir,
    env: { PATH: process.env.PATH ?? '', ...env, BENCH_PEAK_RSS_FILE: rssFile, ...(guarded ? { BLB_NETWORK_VIOLATIONS: violations } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 2 * STDERR_TAIL) stderr = stderr.slice(-STDERR_TAIL);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  const wallMs = performance.now() - started;
  const peakRssKb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : null;
  const leftLoopback = guarded ? fs.readFileSync(violations, 'utf8').split('\n').filter(Boolean) : null;
  return { code, signal, wallMs, peakRssKb, stdout, stderrTail: stderr.slice(-STDERR_TAIL), leftLoopback };
}
