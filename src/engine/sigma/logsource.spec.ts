import { logsourceCompatible, normalizeLogSource } from './logsource';

const ok = (rule: object, event: object) => logsourceCompatible(normalizeLogSource(rule), normalizeLogSource(event));

describe('logsource compatibility', () => {
  it('accepts equal parts, case-insensitively', () => {
    expect(ok({ product: 'windows', category: 'process_creation' }, { product: 'Windows', category: 'process_creation', service: 'sysmon' })).toBe(true);
  });

  it('rejects any part set on both sides with different values', () => {
    expect(ok({ product: 'windows', category: 'process_creation' }, { product: 'linux', category: 'process_creation' })).toBe(false);
    expect(ok({ product: 'windows', service: 'security' }, { product: 'windows', service: 'system' })).toBe(false);
  });

  it('allows an unknown event product when the category matches', () => {
    expect(ok({ product: 'windows', category: 'process_creation' }, { category: 'process_creation' })).toBe(true);
  });

  it('never runs category or service rules on an event whose category/service is unknown', () => {
    expect(ok({ product: 'windows', category: 'process_creation' }, { product: 'windows' })).toBe(false);
    expect(ok({ product: 'windows', service: 'security' }, { product: 'windows', category: 'process_creation' })).toBe(false);
  });

  it('runs a rule that names service and category when one of them matches positively', () => {
    expect(ok({ category: 'process_creation', service: 'sysmon' }, { category: 'process_creation' })).toBe(true);
  });

  it('needs a known, equal product for product-only rules', () => {
    expect(ok({ product: 'windows' }, { product: 'windows', service: 'security' })).toBe(true);
    expect(ok({ product: 'windows' }, { category: 'process_creation' })).toBe(false);
  });

  it('runs rules without logsource parts on every event', () => {
    expect(ok({}, {})).toBe(true);
  });

  it('lets registry sub-category events meet registry_event rules, not the reverse', () => {
    expect(ok({ product: 'windows', category: 'registry_event' }, { product: 'windows', category: 'registry_set' })).toBe(true);
    expect(ok({ product: 'windows', category: 'registry_set' }, { product: 'windows', category: 'registry_event' })).toBe(false);
  });
});
