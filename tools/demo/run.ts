// `npm run demo`: the real CLI, over HTTP, against the BaseLinker emulator holding a small realistic shop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { today } from '../../src/backup/asOf.js';
import { demoShop } from '../emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator } from '../emulators/baselinker/server.js';
import { drawTree } from './tree.js';
import { projectRoot } from '../projectRoot.js';

const backupDir = path.resolve('demo-backup');
const dataDir = path.resolve('demo-data');
// Marks the two folders as the demo's own, so a later demo may start them afresh without touching anything else.
const MARKER = '.made-by-backup-demo';
const TIME_ZONE = 'Europe/Warsaw';
const TOKEN = 'demo-token-0000-not-a-secret';

async function main(): Promise<void> {
  for (const dir of [backupDir, dataDir]) startAfresh(dir);
  const asOf = today(Date.now(), TIME_ZONE);
  const emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf, timeZone: TIME_ZONE }) });
  console.log(`BaseLinker emulator with the demo shop at ${emulator.url} (as of ${asOf})\n`);
  const env = {
    ...process.env,
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: emulator.url,
    BACKUP_DATA_DIR: dataDir,
    BACKUP_DESTINATION: `local:${backupDir}`,
    BACKUP_TIMEZONE: TIME_ZONE,
    BACKUP_CONFIG: path.join(projectRoot, 'config/backup.example.json'),
    // The demo shows what a run says, also when its output is not a terminal (a CI log).
    BACKUP_LOG_STDERR: 'all',
  };
  try {
    console.log('$ backup run');
    const first = await cli(['run'], env);
    console.log(`\n$ backup run   (again: only a new orders CSV and its order-items CSV are stored)`);
    await new Promise((r) => setTimeout(r, 1000));
    const second = await cli(['run'], env);
    console.log('\n$ backup status');
    await cli(['status', '--limit', '2'], env);
    console.log(`\n${drawTree(backupDir)}\n`);
    console.log(`${emulator.requests.length} requests reached the BaseLinker emulator; the ledger is in ${path.relative(process.cwd(), dataDir)}/.`);
    process.exitCode = first === 0 && second === 0 ? 0 : 1;
  } finally {
    await emulator.close();
  }
}

function startAfresh(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.existsSync(path.join(dir, MARKER))) {
      throw new Error(`${dir} exists and was not made by the demo; move it away and run the demo again`);
    }
    fs.rmSync(dir, { recursive: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER), '');
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/backup.js'), ...args], { env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
