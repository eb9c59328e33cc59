import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The README, and the drafts in docs/drafts/ that a branch writes for it until the lead folds them in (then removes
 * them): what a user will read.
 */
export function readmeWithDrafts(): string {
  const drafts = path.join(root, 'docs/drafts');
  const files = fs.existsSync(drafts) ? fs.readdirSync(drafts).map((f) => path.join(drafts, f)) : [];
  return [path.join(root, 'README.md'), ...files].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}
