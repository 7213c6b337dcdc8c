/**
 * V8 tuning for the `lantern` command, applied before any other module is loaded (bin/lantern.js; the
 * hunt and load benchmarks apply it the same way, so they measure the command as it runs), and for the
 * server once its modules are loaded but before it loads its rule packs (src/main.ts): with the SigmaHQ
 * corpus configured, the rule load of each instance's start-up goes from 1.05-1.14 s to 0.74-0.75 s CPU
 * (analysis itself unchanged).
 *
 * Loading the SigmaHQ corpus compiles thousands of small closures, and a hunt sends every event through
 * the same few hot functions. With V8's default tier-up budget, many of them are optimised early on
 * scant type feedback, deoptimised as new event shapes arrive and optimised again: in a 40,000-event hunt
 * about 120 TurboFan compilations took 0.7 s of 2.1 s CPU. A 4x budget lets functions collect feedback
 * longer before TurboFan is asked for them, and half the default cumulative inlining keeps each compilation
 * smaller (bench/README.md, "Session 4"): rule load 3.1 s -> 2.2 s CPU, 200,000-event hunt -4% to -9%, the
 * same hits.
 *
 * Set at start-up through v8.setFlagsFromString, before the functions it affects are compiled; both flags
 * are thresholds the compiler reads when it decides, so setting them early has the command-line effect.
 */
import { setFlagsFromString } from 'node:v8';

export const LANTERN_V8_FLAGS: readonly string[] = ['--interrupt-budget=264000', '--max-inlined-bytecode-size-cumulative=460'];

export function tuneV8(): void {
  for (const flag of LANTERN_V8_FLAGS) setFlagsFromString(flag);
}
