// One commit at a time per Dropbox account. Every commit (files/upload, a session finish, a batch) takes the lock of
// the account's namespace, and commits that meet a held lock fail with too_many_write_operations; Dropbox's answer
// is to commit in batches, one batch at a time ("you may only have one batch being committed and must wait for the
// batch to be finished before committing another", rclone lib/batcher). Every destination signed in to the same
// account shares one lane (plugin.ts, CreateContext.shared), so accounts of an accounting office writing into one
// Dropbox take turns instead of contending.

export interface CommitLane {
  /** Runs `work` after every commit queued before it has ended, however that ended. */
  run<T>(work: () => Promise<T>): Promise<T>;
}

export function commitLane(): CommitLane {
  let last: Promise<unknown> = Promise.resolve();
  return {
    run(work) {
      const turn = last.then(work);
      last = turn.catch(() => undefined);
      return turn;
    },
  };
}
