export interface NewestWinsSlotHooks<T> {
  /** Does the work for one item; a rejection is reported to `onError`. */
  handle(item: T): Promise<void>;
  /** An item replaced by a newer one before its turn came. */
  onReplaced(item: T): void;
  onError(error: unknown, item: T): void;
}

/**
 * At most one item in progress and one waiting. An item that arrives while another waits
 * replaces it, so memory stays bounded however slow the work gets and the newest item
 * is the one that goes next. Frames are worth most when new.
 */
export class NewestWinsSlot<T> {
  private waiting: T | undefined;
  private inProgress: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly hooks: NewestWinsSlotHooks<T>) {}

  get busy(): boolean {
    return this.inProgress !== undefined;
  }

  /** Items held: in progress plus waiting, at most 2. */
  get held(): number {
    return (this.inProgress ? 1 : 0) + (this.waiting === undefined ? 0 : 1);
  }

  offer(item: T): void {
    if (this.closed) {
      this.hooks.onReplaced(item);
      return;
    }
    if (!this.inProgress) {
      this.inProgress = this.runFrom(item);
      return;
    }
    if (this.waiting !== undefined) this.hooks.onReplaced(this.waiting);
    this.waiting = item;
  }

  /** Drops the waiting item (reported as replaced) and resolves when the one in progress ends. */
  async close(): Promise<void> {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting !== undefined) this.hooks.onReplaced(waiting);
    await this.inProgress;
  }

  private async runFrom(first: T): Promise<void> {
    let item: T | undefined = first;
    while (item !== undefined) {
      try {
        await this.hooks.handle(item);
      } catch (error: unknown) {
        this.hooks.onError(error, item);
      }
      item = this.waiting;
      this.waiting = undefined;
    }
    this.inProgress = undefined;
  }
}
