// Runs the BaseLinker emulator with the demo shop, for people who want to poke at the API by hand:
//   node dist/emulators/baselinker/main.js --port 4010 --as-of 2026-11-20 --token demo-token
//   curl -s -H 'X-BLToken: demo-token' --data 'method=getOrderStatusList' http://127.0.0.1:4010/connector.php

import { parseArgs } from 'node:util';
import { demoShop } from './demoShop.js';
import { startBaseLinkerEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    'as-of': { type: 'string' },
    'time-zone': { type: 'string', default: 'Europe/Warsaw' },
    token: { type: 'string', default: 'demo-token' },
    'requests-per-minute': { type: 'string', default: '100' },
    'time-scale': { type: 'string', default: '1' },
  },
});

// Default to today in the account's zone: the only place the demo reads the real clock.
const asOf = values['as-of'] ?? new Intl.DateTimeFormat('en-CA', { timeZone: values['time-zone'] }).format(new Date());
const emulator = await startBaseLinkerEmulator({
  token: values.token,
  shop: demoShop({ asOf, timeZone: values['time-zone'] }),
  port: Number(values.port),
  requestsPerMinute: Number(values['requests-per-minute']),
  timeScale: Number(values['time-scale']),
});
console.log(`BaseLinker emulator (demo shop as of ${asOf}) listening on ${emulator.url}`);

const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
