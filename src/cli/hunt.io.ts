import type { Readable } from 'node:stream';

/** Where the command reads and writes; the real process in production, buffers in tests. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: Readable;
  /** Progress display only on an interactive terminal. */
  stderrIsTTY: boolean;
  now: () => number;
  /**
   * While standard output holds more than its reader has taken (a pipe into a slower command), a promise that
   * settles once it has passed that on; undefined when it can take more. Absent: writes never wait.
   */
  stdoutDrained?: () => Promise<void> | undefined;
}

export const USAGE_ERROR = 2;

let pipeGuarded = false;

/** `lantern hunt ... | head` closes stdout early: stop quietly instead of dying on EPIPE. */
function guardClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export function processIO(): CommandIO {
  guardClosedPipe();
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    stderrIsTTY: process.stderr.isTTY === true,
    now: () => performance.now(),
    // A pipe's writes queue in memory when its reader is slower: the hunt waits instead of holding its whole output.
    stdoutDrained: () => (process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', resolve)) : undefined),
  };
}
