import type { EventLookup, Signal } from '../correlate/signal';
import { techniqueSpread } from './confidence';

/**
 * Techniques that are one program (or its API): a rule that names several techniques is evidence
 * for such a technique only when its events ran that program or called it. SigmaHQ's "Suspicious
 * Microsoft Office Child Process" lists WMI and Regsvr32 among its techniques; on Word starting
 * PowerShell neither happened.
 */
const PROGRAM_TECHNIQUES: ReadonlyMap<string, RegExp> = new Map([
  ['T1047', /\b(?:wmic|wmiprvse|scrcons)\b|win32_|wmiclass|wmimethod|wmiobject|gwmi|ciminstance|cimmethod|cimsession/i],
  ['T1218.001', /\bhh\.exe\b|\.chm\b/i],
  ['T1218.003', /\bcmstp\b/i],
  ['T1218.004', /\binstallutil\b/i],
  ['T1218.005', /\bmshta\b|\.hta\b/i],
  ['T1218.007', /\bmsiexec\b/i],
  ['T1218.009', /\breg(?:asm|svcs)\b/i],
  ['T1218.010', /\bregsvr32\b|\.sct\b|scrobj/i],
  ['T1218.011', /\brundll32\b/i],
  ['T1127.001', /\bmsbuild\b/i],
  ['T1197', /\bbitsadmin\b|bitstransfer/i],
]);

/** The signal's techniques, without program techniques none of its process events shows. */
export function consistentTechniques(s: Signal, lookup: EventLookup | undefined): string[] {
  if (!lookup || s.kind !== 'detection' || techniqueSpread(s) < 2) return s.techniques;
  const texts: string[] = [];
  for (const index of s.eventIndices) {
    const e = lookup(index);
    // Only process events say what ran; anything else (registry, file, logon) cannot rule a program out.
    if (!e?.entities.process || !e.entities.commandLine) return s.techniques;
    const en = e.entities;
    texts.push([en.process, en.commandLine, en.parentProcess, en.parentCommandLine].filter(Boolean).join(' '));
  }
  const kept = s.techniques.filter((id) => {
    const program = PROGRAM_TECHNIQUES.get(id);
    return !program || texts.some((t) => program.test(t));
  });
  return kept.length > 0 ? kept : s.techniques;
}
