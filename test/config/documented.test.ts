import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/keys.js';

const root = path.resolve(import.meta.dirname, '../..');
// Keys added on a branch are documented in docs/drafts/ until the README is updated from there (the drafts are folded
// into the README when the branch is merged, then removed).
const drafts = path.join(root, 'docs/drafts');
const readme = [
  fs.readFileSync(path.join(root, 'README.md'), 'utf8'),
  ...(fs.existsSync(drafts) ? fs.readdirSync(drafts).map((f) => fs.readFileSync(path.join(drafts, f), 'utf8')) : []),
].join('\n');
const example = fs.readFileSync(path.join(root, 'config/backup.example.json'), 'utf8');

describe('every setting is documented', () => {
  it.each(CONFIG_KEYS.map((k) => [k.path, k.env]))('%s (%s) is in the README (or its pending draft) and the example file', (key, env) => {
    expect(readme).toContain(`\`${key}\``);
    expect(readme).toContain(`\`${env}\``);
    expect(example).toContain(env);
  });
});
