import { readField, readFields } from './fields';

describe('readFields', () => {
  const names = ['src_ip', 'User', 'userIdentity.arn', 'client.ipAddress', 'Computer', 'missing', 'a.b.c'];

  it('reads each name as readField does: exact, then dotted path, then the first key of any case', () => {
    const events: Array<Record<string, unknown>> = [
      { src_ip: '10.0.0.1', user: 'alice', USER: 'ALICE', computer: 'ws1' },
      { SRC_IP: '10.0.0.2', User: 'bob', 'userIdentity.arn': 'flat-arn', userIdentity: { arn: 'nested-arn' } },
      { userIdentity: { arn: 'arn:aws:iam::1:user/x' }, client: { ipAddress: '203.0.113.9' }, 'CLIENT.IPADDRESS': 'shadowed' },
      { src_ip: undefined, Src_Ip: '10.0.0.3', a: { b: { c: 0 } }, Computer: null },
      { 'A.B.C': 'by case', a: { b: 'not an object' } },
      {},
    ];
    for (const fields of events) {
      const expected: Record<string, unknown> = {};
      for (const name of names) {
        const value = readField(fields, name);
        if (value !== undefined) expected[name] = value;
      }
      expect(readFields(fields, names)).toEqual(expected);
    }
    expect(readFields(events[0], names)).toEqual({ src_ip: '10.0.0.1', User: 'alice', Computer: 'ws1' });
    // An own key holding undefined is found first by case too, as readField finds it: no value.
    expect(readFields(events[3], names)).toEqual({ 'a.b.c': 0, Computer: null });
  });
});
