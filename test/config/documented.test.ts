import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/keys.js';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const example = fs.readFileSync(path.join(root, 'config/backup.example.json'), 'utf8');

describe('every setting is documented', () => {
  it.each(CONFIG_KEYS.map((k) => [k.path, k.env]))('%s (%s) is in the README and the example file', (key, env) => {
    expect(readme).toContain(`\`${key}\``);
    expect(readme).toContain(`\`${env}\``);
    expect(example).toContain(env);
  });
});
