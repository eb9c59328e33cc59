import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsTable } from '../../src/config/documentation.js';
import { SCHEMA } from '../../src/config/schema.js';
import { flatten } from '../../src/config/setting.js';
import { readmeWithDrafts } from '../helpers/docs.js';

const root = path.resolve(import.meta.dirname, '../..');
// Keys added on a branch are documented in docs/drafts/ until the README is updated from there.
const readme = readmeWithDrafts();
const example = fs.readFileSync(path.join(root, 'config/backup.example.json'), 'utf8');

describe('every setting is documented', () => {
  it("the README's table is the one the schema makes (`npm run config-table` prints it)", () => {
    expect(readme).toContain(settingsTable());
  });

  it.each(flatten(SCHEMA).filter((s) => s.setting.env).map((s) => [s.path, s.setting.env!]))('%s (%s) is in the example file', (_key, env) => {
    expect(example).toContain(env);
  });
});
