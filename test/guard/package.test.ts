// What `npm pack` ships (and the Docker image builds from) is the program alone: no emulator, benchmark, demo or
// test. Checked on the files list npm itself computes (without its build scripts: the tests' dist/ is the build).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the package', () => {
  it('ships the built program, its documentation and deployment files, and nothing of the tools or tests', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [
      { files: { path: string }[] },
    ];
    const files = pack.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/backup.js', 'dist/cli/main.js', 'dist/render/worker.js', 'README.md', 'Dockerfile', 'deploy/kubernetes/cronjob.yaml']));
    expect(files.filter((f) => /(^|\/)(tools|test|emulators|bench|demo)\//.test(f) || f.startsWith('src/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
  });
});
