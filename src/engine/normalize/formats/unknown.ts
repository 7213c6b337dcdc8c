import { str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, RawObject } from '../types';

/** Anything no detector claims: kept whole so keyword rules and indicator extraction still see it. */
export function normalizeUnknownObject(raw: RawObject): NormalizedParts {
  return {
    format: 'unknown',
    fields: { ...raw },
    logsource: {},
    time: timeFrom(raw),
    outcome: 'unknown',
    entities: {},
    message: str(raw.message) ?? str(raw.msg),
  };
}

export function normalizeUnknownLine(line: string): NormalizedParts {
  return { format: 'unknown', fields: { message: line }, logsource: {}, outcome: 'unknown', entities: {}, message: line };
}

/** Scalars and arrays that are not events of any format. */
export function normalizeUnknownValue(value: unknown): NormalizedParts {
  return { format: 'unknown', fields: { value }, logsource: {}, outcome: 'unknown', entities: {} };
}
