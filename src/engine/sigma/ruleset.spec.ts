import { ruleSetFromText } from './ruleset';
import type { SigmaEvent } from './types';

const winProc = { product: 'windows', category: 'process_creation', service: 'sysmon' };

function ev(fields: Record<string, unknown>, logsource = winProc, index = 0): SigmaEvent {
  return { index, fields, logsource };
}

const RULE = `
title: Whoami
id: 11111111-1111-4111-8111-111111111111
status: test
level: medium
tags: [attack.discovery, attack.t1033]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

describe('RuleSet', () => {
  it('matches a rule on a compatible event and reports its metadata', () => {
    const rs = ruleSetFromText([{ file: 'whoami.yml', text: RULE }]);
    expect(rs.errors).toEqual([]);
    const refs = rs.matchEvent(ev({ Image: 'C:\\Windows\\System32\\WHOAMI.EXE' }));
    expect(refs).toEqual([
      expect.objectContaining({ id: '11111111-1111-4111-8111-111111111111', title: 'Whoami', level: 'medium', file: 'whoami.yml', tags: ['attack.discovery', 'attack.t1033'] }),
    ]);
  });

  it('does not run a rule on an event of another logsource', () => {
    const rs = ruleSetFromText([{ file: 'whoami.yml', text: RULE }]);
    const linux = { product: 'linux', category: 'process_creation' };
    expect(rs.matchEvent(ev({ Image: 'C:\\whoami.exe' }, linux))).toEqual([]);
    expect(rs.matchEvent(ev({ Image: 'C:\\whoami.exe' }, linux), { ignoreLogsource: true })).toHaveLength(1);
  });
});
