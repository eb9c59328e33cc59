// The Docker image on its first night: it runs as uid 1000, so the README must say how to give it the host folder
// it writes into; and its stderr is a container log, so every line goes out as it comes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeWithDrafts } from '../helpers/docs.js';

const root = path.resolve(import.meta.dirname, '../..');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));


describe('the Docker image', () => {
  it('runs as the node image\'s user (uid 1000), and the README gives a mounted destination folder to that uid', () => {
    expect(runtime).toMatch(/^FROM node:\S+/m);
    expect(runtime).toMatch(/^USER node$/m);
    const text = readmeWithDrafts();
    const mount = /-v (\/\S+):\/backup\b/.exec(text);
    expect(mount, 'a destination mounted at /backup in the README').not.toBeNull();
    expect(text).toContain(`install -d -o 1000 -g 1000 -m 700 ${mount![1]}`);
  });

  it('writes every stderr line as it comes: its log is read, not mailed', () => {
    expect(runtime).toMatch(/^\s+BACKUP_LOG_STDERR=all\b/m);
  });
});
