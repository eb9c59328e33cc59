import { spawn } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../bin/backup.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (the built one, as a user would) with only the given environment, PATH and the network guard;
 * with `uid`, as that user (through setpriv, so only a root test process can ask for it).
 */
export function runCli(args: string[], env: Record<string, string>, options: { cwd?: string; timeoutMs?: number; uid?: number } = {}): Promise<CliResult> {
  const command = [process.execPath, BIN, ...args];
  if (options.uid !== undefined) command.unshift('setpriv', `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups');
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: options.cwd,
      env: { ...guardEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * PATH, plus the network guard (test/helpers/networkGuard.mjs) that every spawned CLI carries. Its stderr lines go
 * out as they come, as on a terminal: the tests read them. (Not a terminal, the CLI would hold them and write them
 * only on a failure, as under cron: test/cli/quietOnSuccess.test.ts sets BACKUP_LOG_STDERR=auto to see that.)
 */
export function guardEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', BACKUP_LOG_STDERR: 'all' };
  if (process.env.BLB_NETWORK_GUARD) {
    env.NODE_OPTIONS = `--import=${process.env.BLB_NETWORK_GUARD}`;
    env.BLB_NETWORK_VIOLATIONS = process.env.BLB_NETWORK_VIOLATIONS ?? '';
  }
  return env;
}

/** The messages of the JSON log lines a CLI wrote (non-JSON lines kept as they are), one per line. */
export function logMessages(stream: string): string {
  return stream
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return String((JSON.parse(line) as { message?: unknown }).message ?? line);
      } catch {
        return line;
      }
    })
    .join('\n');
}
