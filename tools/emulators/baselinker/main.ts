// `npm run emulator [-- --port N --as-of YYYY-MM-DD --token T]`: the BaseLinker emulator with the demo shop, by
// hand (byHand.ts says what it prints).
import { startByHand } from './byHand.js';

try {
  const { emulator, banner } = await startByHand(process.argv.slice(2));
  console.log(banner);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
