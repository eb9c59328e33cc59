// The real CLI as a child process that a test can kill at any moment (test/helpers/cli.ts waits for the end).
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, guardEnv, type CliResult } from '../helpers/cli.js';

export interface RunningCli {
  child: ChildProcess;
  startedAt: number;
  /** Settles when the process has exited and its output is closed. */
  result: Promise<CliResult>;
  kill(): Promise<CliResult>;
}

export function startCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): RunningCli {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...guardEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    startedAt,
    result,
    kill() {
      child.kill('SIGKILL');
      return result;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds (or the process ends, or the time is up); true when it held. */
export async function waitFor(condition: () => boolean, running: RunningCli, timeoutMs = 30_000): Promise<boolean> {
  let ended = false;
  void running.result.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (ended || Date.now() > deadline) return false;
    await sleep(2);
  }
  return true;
}

/** Runs at most `n` tasks at once (trials side by side on a two-core machine, not five at a time). */
export function lanes(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next task waiting, if any.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
