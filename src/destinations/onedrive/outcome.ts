// How a create-only upload ends when it cannot simply say "created": the name was taken, or the answer was lost.
import type { Body } from '../destination.js';
import { bodySize } from '../destination.js';
import { findChild, type DriveItem, type FolderRef, type OneDriveDrive } from './items.js';
import { quickXorHashOf } from './quickXorHash.js';

/**
 * 'created': this call stored the file. 'exists': the name already held `item` before this call, whose content may
 * or may not be ours; the caller decides by item.file.hashes.quickXorHash (and size) what it is.
 */
export type CreateOnlyResult = { outcome: 'created' | 'exists'; item: DriveItem };

/** The upload's body and its QuickXorHash, worked out once and only when needed. */
export class Upload {
  private hash: Promise<string> | undefined;

  constructor(
    readonly drive: OneDriveDrive,
    readonly folder: FolderRef,
    readonly name: string,
    readonly body: Body,
  ) {}

  get size(): number {
    return bodySize(this.body);
  }

  /** Whether `item` holds exactly this upload's bytes. */
  async isOurs(item: DriveItem): Promise<boolean> {
    this.hash ??= quickXorHashOf(this.body);
    return item.size === this.size && item.file?.hashes?.quickXorHash === (await this.hash);
  }

  /**
   * The name is taken (a 409): answers what holds it. When an earlier attempt of this very upload got no answer,
   * the file there may be the one it stored: then it counts as created if it holds our bytes.
   */
  async settleTakenName(afterLostAttempt: boolean): Promise<CreateOnlyResult> {
    const item = await findChild(this.drive, this.folder, this.name);
    if (!item) {
      throw new Error(
        `OneDrive says ${this.name} exists but nothing by that name can be read: an unfinished upload may hold the name (OneDrive for Business keeps it for the upload's life); the next run tries again`,
      );
    }
    return { outcome: afterLostAttempt && (await this.isOurs(item)) ? 'created' : 'exists', item };
  }
}
