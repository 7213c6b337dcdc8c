/** LANTERN_RULES adds rule folders to the built-in rules/: their detections reach the API's evidence. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

const RULE_ID = '5d3c2b1a-0f9e-4d8c-b7a6-112233445566';
const RULE = `title: Customer Watchlist Tool Executed
id: ${RULE_ID}
status: test
description: A tool on this customer's internal watchlist was executed.
author: e2e test
date: 2026-12-04
tags:
    - attack.execution
    - attack.t1059
logsource:
    category: process_creation
detection:
    selection:
        Image|endswith: 'acme-watchlisted-tool.exe'
    condition: selection
level: high
`;

describe('custom rule folders (LANTERN_RULES)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lantern-rules-'));
  let t: TestApp;
  beforeAll(async () => {
    writeFileSync(join(dir, 'watchlist.yml'), RULE);
    t = await startTestApp('sqlite', { LANTERN_RULES: dir });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a rule from the extra folder to the request', async () => {
    const { key } = await t.customer();
    const body = {
      events: {
        logs: [
          { timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'ws-7', process: 'C:\\Tools\\acme-watchlisted-tool.exe', parent: 'explorer.exe', user: 'bob' },
        ],
      },
    };
    const res = await request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(body).expect(200);
    const ruleIds = res.body.data.timeline.flatMap((step: { rule_ids?: string[] }) => step.rule_ids ?? []);
    expect(ruleIds).toContain(RULE_ID);
  });
});
