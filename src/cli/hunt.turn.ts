/**
 * How `lantern hunt --threads` workers hunting whole files wait their turn (hunt.parallel.ts): a worker hunting a
 * file that is not the next to write waits while too many hits are held; the one hunting the next file waits
 * while the output's reader lags (a pipe into a slower command). Shared memory, so that a worker waits with
 * Atomics.wait, without a message round trip.
 */
/** Positions in the shared control. */
export const TURN = {
  /** Bumped at every change below; workers wait on it. */
  Epoch: 0,
  /** The file whose hits are written as they come. */
  NextToWrite: 1,
  /** Hits posted by workers and not yet written (workers add, the main thread takes off). */
  Held: 2,
  /** 1 while the output can take no more. */
  OutputBlocked: 3,
} as const;

/** A shared Int32Array indexed by TURN. */
export function turnControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * 4));
}

/** In a worker, after posting hits of file `fileNo`: returns once it may read further (see TURN). */
export function waitTurn(control: Int32Array, fileNo: number, maxHeld: number): void {
  for (;;) {
    const epoch = Atomics.load(control, TURN.Epoch);
    const next = Atomics.load(control, TURN.NextToWrite) === fileNo;
    if (next ? Atomics.load(control, TURN.OutputBlocked) === 0 : Atomics.load(control, TURN.Held) < maxHeld) return;
    // Woken by the main thread's next change (a change since the epoch was read returns at once).
    Atomics.wait(control, TURN.Epoch, epoch, 1000);
  }
}

/** In the main thread, after changing the control: wakes the waiting workers. */
export function signal(control: Int32Array): void {
  Atomics.add(control, TURN.Epoch, 1);
  Atomics.notify(control, TURN.Epoch);
}
