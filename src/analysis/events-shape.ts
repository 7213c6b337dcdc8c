import type { ErrorDetail } from '../common/api-error';
import { findTooDeep } from '../common/validation';

/** Nesting allowed inside one event object. */
export const MAX_EVENT_DEPTH = 32;
/** Problems listed per request (the first ones are enough to fix the client). */
const MAX_DETAILS = 10;

/**
 * Checks that `events` holds events: arrays of objects (or strings, for line-based formats),
 * or a string of log lines. Returns what is wrong, each with the offending field path.
 */
export function checkEventsShape(events: Record<string, unknown>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  let count = 0;
  for (const [key, value] of Object.entries(events)) {
    const field = `events.${key}`;
    if (typeof value === 'string') {
      if (value.trim() !== '') count++;
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push({ field, message: `${field} must be an array of event objects (or a string of log lines)` });
      continue;
    }
    value.forEach((item, i) => {
      const itemField = `${field}[${i}]`;
      if (typeof item === 'string') {
        count++;
        return;
      }
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        problems.push({ field: itemField, message: `${itemField} must be an event object (or a log line string)` });
        return;
      }
      count++;
      // The event object itself is level 1.
      const deep = findTooDeep(item, MAX_EVENT_DEPTH - 1, itemField);
      if (deep !== undefined) problems.push({ field: deep, message: `${itemField} is nested more than ${MAX_EVENT_DEPTH} levels deep` });
    });
  }
  if (problems.length === 0 && count === 0) {
    problems.push({ field: 'events', message: 'events must contain at least one event (e.g. events.logs: [ { ... } ])' });
  }
  return problems.slice(0, MAX_DETAILS);
}
