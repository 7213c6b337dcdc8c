import { normalizeRequestEvents } from './normalize';

/** Deterministic pseudo-random shapes (mulberry32), biased towards the keys the detectors look at. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['EventID', 'Channel', 'Event', 'System', 'EventData', 'Data', 'winlog', 'event_data', 'eventSource', 'eventName', 'userIdentity', 'eventType', 'actor', 'published', 'protoPayload', '_path', 'ts', 'uid', 'id.orig_h', 'event_type', 'flow_id', 'message', 'source', 'action', 'src_ip', 'url', 'process', 'ActionType', 'DeviceName', 'Timestamp', 'category', 'properties', 'Operation', 'Workload', '@timestamp', 'ecs', 'verb', 'objectRef', 'apiVersion', 'hits', '_source', 'result', 'preview', 'timestamp', 'time', 'user', 'status'];
const STRINGS = ['', '-', '0x0', 'Security', 'Microsoft-Windows-Sysmon/Operational', 'type=EXECVE msg=audit(1.2:3): a0=41', '<Event><System><EventID>1</EventID></System></Event>', 'CEF:0|a|b|c|d|e|f|src=1.2.3.4', '%ASA-4-106023: Deny tcp src a:1.2.3.4/1 dst b:5.6.7.8/2', 'Apr  3 14:20:00 h sshd[1]: Accepted password for x from 1.2.3.4 port 1 ssh2', '#fields\tts', '#Fields: date time', '[{"a":1}]', '{"EventID": 4625}', 'aws.amazonaws.com', '2026-01-01T00:00:00Z', '1782781200.5', '::ffff:10.0.0.1', 'audit(', '] "GET / HTTP/1.1" 200 1'];

function value(r: () => number, depth: number): unknown {
  const x = r();
  if (depth > 3 || x < 0.35) return STRINGS[Math.floor(r() * STRINGS.length)];
  if (x < 0.45) return Math.floor(r() * 1e10) / (r() < 0.5 ? 1 : 1000);
  if (x < 0.5) return r() < 0.5 ? null : r() < 0.5;
  if (x < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]] = value(r, depth + 1);
  return o;
}

describe('normaliser robustness', () => {
  it('never throws on 1,000 random requests, and counts and indexes every event it returns', () => {
    const r = rng(20261204);
    for (let i = 0; i < 1000; i++) {
      const events: Record<string, unknown> = {};
      for (let k = Math.floor(r() * 3) + 1; k > 0; k--) events[KEYS[Math.floor(r() * KEYS.length)]] = value(r, 0);
      const result = normalizeRequestEvents(events);
      const counted = Object.values(result.formats).reduce((a, b) => a + b, 0);
      expect(counted).toBe(result.events.length);
      result.events.forEach((e, idx) => {
        expect(e.index).toBe(idx);
        expect(typeof e.entities).toBe('object');
        expect(e.time === undefined || Number.isFinite(e.time)).toBe(true);
      });
    }
  });
});

describe('crafted long lines', () => {
  const big = (unit: string, n: number) => unit.repeat(n);

  it.each([
    ['sudo', `Apr  3 14:26:10 srv sudo: admin : ${big('TTY=x ; PWD=y ; USER=z ; ', 20000)}`],
    ['pam', `Apr  3 14:26:10 srv sshd[1]: pam_unix(sshd:auth): authentication failure; ${big('ruser= rhost= ', 30000)}`],
    ['asa', `Apr  3 14:20:00 fw %ASA-4-106023: ${big('Deny from 1.2.3.4 to ', 30000)}`],
    ['xml', `<Event><System><EventID>1</EventID><Channel>Security</Channel></System><EventData>${big('<Data Name="a">x', 30000)}</EventData></Event>`],
    ['userdata', `<Event><System><EventID>1102</EventID></System><UserData>${big('<a>b</c>', 30000)}</Event>`],
    ['kv', big('a=b ', 50000) + 'src=1.2.3.4'],
    ['cef', `CEF:0|a|b|c|d|e|f|${big('k=v ', 50000)}`],
    ['unclosed event xml', `<Events>${big('<Event x="1">', 40000)}`],
  ])('normalises a crafted %s line of several hundred KB in linear time', (_name, line) => {
    // No timing assertion (that belongs in bench/): a quadratic pattern would not finish within the test timeout.
    const r = normalizeRequestEvents({ logs: [line] });
    expect(r.events).toHaveLength(1);
  });
});
