import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { BackupError, ExitCode, errorMessage } from '../lib/errors.js';
import { machineAdvice } from '../lib/fsErrors.js';
import { redact } from '../lib/secrets.js';
import { authCommand, signInCommands } from './authCommand.js';
import { revokeCommand } from './revokeCommand.js';
import { runCommand } from './runCommand.js';
import { scheduleCommand } from './scheduleCommand.js';
import { statusCommand } from './statusCommand.js';
import { verifyCommand } from './verifyCommand.js';

/** Commander wiring only. Every command returns an exit code; errors become one line and a code here. */
export async function main(argv: string[], entry: string): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const program = new Command('backup')
    .description('Nightly backup of a BaseLinker account: orders, invoices and receipts, never deleted, never overwritten.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    .showHelpAfterError('(run `backup --help` for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('run')
    .description('run one backup now')
    .option('--date <YYYY-MM-DD>', 'back up as of this date (default: today in the account time zone)')
    .option('--only <kinds>', 'comma-separated: orders,invoices,receipts')
    .option('--dry-run', 'show what would be stored where; write nothing')
    .option('--json', 'one JSON document on stdout at the end: exit code, counts, and the files stored (or planned)')
    .option('--account <ids>', 'only these accounts (comma-separated ids)')
    .option('--shard <i/n>', "only this process's share of the accounts: shard i (from 0) of n (also BACKUP_SHARD)")
    .action(async (options) => {
      exitCode = await runCommand(options);
    });

  program
    .command('status')
    .description('show the last runs, the first-run cutoff and the destinations')
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'how many runs to show (default 10)')
    .option('--account <ids>', 'only these accounts (comma-separated ids)')
    .action(async (options) => {
      exitCode = await statusCommand(options);
    });

  program
    .command('schedule')
    .description('stay in the foreground and run the backup every night (schedule.time, schedule.timeZone)')
    .action(async () => {
      exitCode = await scheduleCommand(entry);
    });

  program
    .command('verify')
    .description('compare the ledger with each destination (presence, size, checksum); exit 6 if they disagree')
    .option('--json', 'machine-readable output')
    .option('--repair', 'store again what is missing, and a fresh copy beside what is damaged (never deleting or replacing)')
    .option('--account <ids>', 'only these accounts (comma-separated ids)')
    .action(async (options) => {
      exitCode = await verifyCommand(options);
    });

  program
    .command('auth')
    .argument('<provider>', signInCommands().join(' | '))
    .description('sign in to a remote destination (Google: loopback redirect; on a server, paste the redirected address)')
    .option('--port <port>', 'loopback port for the redirect (default: any free port)')
    .action(async (provider: string, options) => {
      exitCode = await authCommand(provider, options);
    });

  program
    .command('revoke')
    .argument('[provider]', `${signInCommands().join(' | ')}; default: every remote destination`)
    .description('forget (and where possible revoke) a sign-in and stop the backup there; nothing stored there is touched')
    .action(async (provider?: string) => {
      exitCode = await revokeCommand(provider);
    });

  // `backup` alone is someone finding their way: the help, not a usage error.
  if (argv.length <= 2) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other parsing problem is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const advice = error instanceof BackupError ? null : machineAdvice(error);
    process.stderr.write(`backup: ${redact(errorMessage(error))}${advice ? `: ${advice}` : ''}\n`);
    return error instanceof BackupError ? error.exitCode : ExitCode.unexpected;
  }
}

/** The version in package.json, which the npm package and the Docker image both carry beside dist/. */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
