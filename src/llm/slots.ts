/**
 * Bounded concurrency towards the provider. A request waits for a slot in FIFO order, but never
 * past its own wait limit or abort signal: then it gives up and the caller falls back.
 */
export class SlotTimeoutError extends Error {
  constructor() {
    super('no LLM slot became free in time');
    this.name = 'SlotTimeoutError';
  }
}

interface Waiter {
  grant: () => void;
}

export type Release = () => void;

export class Slots {
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is held; rejects on timeout or abort. */
  acquire(waitMs: number, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (waitMs <= 0) return Promise.reject(new SlotTimeoutError());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          resolve(this.releaser());
        },
      };
      const giveUp = (error: unknown): void => {
        cleanup();
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(error);
      };
      const timer = setTimeout(() => giveUp(new SlotTimeoutError()), waitMs);
      const onAbort = (): void => giveUp(signal?.reason ?? new Error('aborted'));
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next.grant();
      else this.active -= 1;
    };
  }
}
