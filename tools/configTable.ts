// `npm run config-table`: prints the README's settings table as the schema makes it.
import { settingsTable } from '../src/config/documentation.js';

console.log(settingsTable());
