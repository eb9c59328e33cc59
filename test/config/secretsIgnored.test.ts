// The files the README tells people to put secrets in must never be committed by a `git add -A`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const inGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, encoding: 'utf8' }).stdout.trim() === 'true';

describe('files that hold secrets', () => {
  (inGit ? it : it.skip)('backup.env, /etc-style *.env copies and config/backup.json are ignored by git', () => {
    const files = ['backup.env', 'config/backup.json', 'accounts.env'];
    const ignored = spawnSync('git', ['check-ignore', '--no-index', ...files], { cwd: root, encoding: 'utf8' }).stdout.trim().split('\n');
    expect(ignored).toEqual(files);
    // The example stays tracked: it is the documentation of every key.
    expect(spawnSync('git', ['check-ignore', '--no-index', '-q', 'config/backup.example.json'], { cwd: root }).status).toBe(1);
  });
});
if (!inGit) console.log('secretsIgnored.test: not a git checkout, so .gitignore cannot be asked; skipped');
