/**
 * Logsource compatibility between a rule and an event.
 *
 * Policy (absent parts of an event's logsource are unknown, not "any"):
 * 1. A part both sides set must be equal (case-insensitively). Any conflict rejects.
 * 2. A rule setting a category and/or service runs only when at least one of them positively
 *    equals the event's. The other parts may be unknown on the event: an event categorised
 *    `process_creation` by an unknown product (a generic EDR export) still meets
 *    `windows/process_creation` rules, because categories are a product-independent taxonomy and
 *    the rule's field names decide the rest. Without a positive category/service match, an
 *    unknown part would let e.g. every process_creation rule run on any event of the product:
 *    false positives on unrelated events, and the main cost of the engine.
 * 3. A rule setting only a product needs the event's product to be known and equal.
 * 4. A rule without logsource parts runs on every event.
 * 5. Sub-categories meet their parent's rules: a `registry_set` event is also a `registry_event`
 *    (Sigma taxonomy; Sysmon 12/13/14). Not the reverse: a plain `registry_event` event does not
 *    say which sub-kind it is.
 */
import type { LogSource } from '../model';

export interface NormLogSource {
  product?: string;
  category?: string;
  service?: string;
}

export function normalizeLogSource(ls: LogSource | undefined): NormLogSource {
  const norm = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : undefined);
  return { product: norm(ls?.product), category: norm(ls?.category), service: norm(ls?.service) };
}

export function logsourceKey(ls: NormLogSource): string {
  return `${ls.product ?? ''}|${ls.category ?? ''}|${ls.service ?? ''}`;
}

/** Event category -> the broader rule category it also belongs to. */
export const CATEGORY_PARENT: Readonly<Record<string, string>> = {
  registry_add: 'registry_event',
  registry_delete: 'registry_event',
  registry_set: 'registry_event',
  registry_rename: 'registry_event',
};

function sameCategory(rule: string, event: string): boolean {
  return rule === event || CATEGORY_PARENT[event] === rule;
}

export function logsourceCompatible(rule: NormLogSource, event: NormLogSource): boolean {
  if (rule.product !== undefined && event.product !== undefined && rule.product !== event.product) return false;
  if (rule.service !== undefined && event.service !== undefined && rule.service !== event.service) return false;
  if (rule.category !== undefined && event.category !== undefined && !sameCategory(rule.category, event.category)) return false;
  if (rule.category !== undefined || rule.service !== undefined) {
    return (
      (rule.category !== undefined && event.category !== undefined && sameCategory(rule.category, event.category)) ||
      (rule.service !== undefined && rule.service === event.service)
    );
  }
  if (rule.product !== undefined) return rule.product === event.product;
  return true;
}
