import { checkEventsShape, MAX_EVENT_DEPTH } from './events-shape';

function nest(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) value = { n: value };
  return value;
}

describe('checkEventsShape', () => {
  it('accepts arrays of event objects under any key', () => {
    expect(checkEventsShape({ logs: [{ a: 1 }], alerts: [{ b: 2 }] })).toEqual([]);
  });

  it('accepts log-line strings, in arrays or as one multi-line string', () => {
    expect(checkEventsShape({ syslog: ['Apr  3 14:22:00 host sshd[1]: Accepted password for admin'] })).toEqual([]);
    expect(checkEventsShape({ auth: 'line one\nline two' })).toEqual([]);
  });

  it('names the item that is not an event', () => {
    expect(checkEventsShape({ logs: [{ a: 1 }, 7, null, [1]] }).map((p) => p.field)).toEqual(['events.logs[1]', 'events.logs[2]', 'events.logs[3]']);
  });

  it('names an entry that is neither an array nor a string', () => {
    expect(checkEventsShape({ logs: { a: 1 } })).toEqual([expect.objectContaining({ field: 'events.logs' })]);
  });

  it('refuses a batch without any event', () => {
    expect(checkEventsShape({})).toEqual([expect.objectContaining({ field: 'events' })]);
    expect(checkEventsShape({ logs: [], text: '  ' })).toEqual([expect.objectContaining({ field: 'events' })]);
  });

  it(`allows ${MAX_EVENT_DEPTH} levels of nesting inside an event and refuses more`, () => {
    expect(checkEventsShape({ logs: [nest(MAX_EVENT_DEPTH)] })).toEqual([]);
    const problems = checkEventsShape({ logs: [nest(MAX_EVENT_DEPTH + 1)] });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe(`events.logs[0] is nested more than ${MAX_EVENT_DEPTH} levels deep`);
  });

  it('reports at most 10 problems', () => {
    expect(checkEventsShape({ logs: Array.from({ length: 50 }, () => 1) })).toHaveLength(10);
  });
});
