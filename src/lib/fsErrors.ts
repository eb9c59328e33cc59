// Failures of the machine rather than of the program: a full disk, a read-only or foreign-owned folder, a damaged
// ledger. They deserve a line that says what to do, not "unexpected failure".

/** What a person should do about this failure, or null when it is not one of the machine's. */
export function machineAdvice(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) {
    return 'the disk is full: free some space and run again (what was stored is recorded; the next run goes on from there)';
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    return 'a folder is read-only or not writable by this user: check the data dir (BACKUP_DATA_DIR) and the destination';
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file stands where a folder should be: check the data dir (BACKUP_DATA_DIR) and the destination';
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return 'the ledger is damaged: restore it from a copy';
  return null;
}
