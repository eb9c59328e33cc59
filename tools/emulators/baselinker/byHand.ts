// The BaseLinker emulator with the demo shop, started by a person (`npm run emulator`) to try the CLI or poke at the
// API: a fixed port unless told otherwise, and the lines to paste into another terminal.
import { parseArgs } from 'node:util';
import { demoShop } from './demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from './server.js';

export const DEFAULT_PORT = 4010;
export const DEFAULT_TOKEN = 'demo-token';

export async function startByHand(argv: string[]): Promise<{ emulator: BaseLinkerEmulator; banner: string }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      'as-of': { type: 'string' },
      'time-zone': { type: 'string', default: 'Europe/Warsaw' },
      token: { type: 'string', default: DEFAULT_TOKEN },
      'requests-per-minute': { type: 'string', default: '100' },
      'time-scale': { type: 'string', default: '1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number (got ${JSON.stringify(values.port)})`);
  // Today in the account's zone unless told: the only place the emulator reads the real clock.
  const asOf = values['as-of'] ?? new Intl.DateTimeFormat('en-CA', { timeZone: values['time-zone'] }).format(new Date());
  let emulator: BaseLinkerEmulator;
  try {
    emulator = await startBaseLinkerEmulator({
      token: values.token,
      shop: demoShop({ asOf, timeZone: values['time-zone'] }),
      port,
      requestsPerMinute: Number(values['requests-per-minute']),
      timeScale: Number(values['time-scale']),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${port} is taken: \`npm run emulator -- --port ${port + 1}\``);
    throw error;
  }
  const banner = [
    `BaseLinker emulator with the demo shop as of ${asOf}, on ${emulator.url} (token ${values.token}); Ctrl-C stops it.`,
    'In another terminal, in this folder:',
    `  export BASELINKER_API_URL=${emulator.url} BASELINKER_TOKEN=${values.token}`,
    '  export BACKUP_DESTINATION=local:./emulator-backup BACKUP_DATA_DIR=./emulator-data',
    '  npx backup run --dry-run && npx backup run && npx backup status',
    `Or the API itself: curl -s -H 'X-BLToken: ${values.token}' --data 'method=getOrderStatusList' ${emulator.url}`,
  ].join('\n');
  return { emulator, banner };
}
