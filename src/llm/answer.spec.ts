import { checkAnswer, type AnswerContext } from './answer';
import { GroundingIndex } from './grounding';
import { GOOD_ANSWER } from './testing/doubles';
import { sshIntrusionFindings } from './testing/findings.fixture';

const ctx = (severity: AnswerContext['severity'] = 'critical'): AnswerContext => ({
  grounding: GroundingIndex.fromFindings(sshIntrusionFindings()),
  severity,
  marker: 'DATA-0123456789abcdef',
});

describe('checkAnswer', () => {
  it('accepts a grounded answer unchanged', () => {
    expect(checkAnswer(GOOD_ANSWER, ctx())).toEqual({ ok: true, narrative: GOOD_ANSWER });
  });

  it('rejects answers that break the schema: extra fields, wrong types, missing fields', () => {
    expect(checkAnswer({ ...GOOD_ANSWER, severity: 'info' }, ctx())).toMatchObject({ ok: false, reason: 'malformed_output' });
    expect(checkAnswer({ ...GOOD_ANSWER, recommendations: 'Block it' }, ctx())).toMatchObject({ ok: false, reason: 'malformed_output' });
    const { impact: _impact, ...missing } = GOOD_ANSWER;
    expect(checkAnswer(missing, ctx())).toMatchObject({ ok: false, reason: 'malformed_output', detail: expect.stringContaining('impact') });
  });

  it('rejects empty, oversized or marker-echoing text', () => {
    expect(checkAnswer({ ...GOOD_ANSWER, summary: '   ' }, ctx())).toMatchObject({ reason: 'malformed_output', detail: 'summary is empty' });
    expect(checkAnswer({ ...GOOD_ANSWER, impact: 'x'.repeat(5000) }, ctx())).toMatchObject({ reason: 'malformed_output' });
    expect(checkAnswer({ ...GOOD_ANSWER, recommendations: [] }, ctx())).toMatchObject({ reason: 'malformed_output' });
    expect(checkAnswer({ ...GOOD_ANSWER, root_cause: 'See DATA-0123456789abcdef above.' }, ctx())).toMatchObject({ reason: 'malformed_output' });
  });

  it('names the ungrounded entities it found', () => {
    const answer = { ...GOOD_ANSWER, recommendations: ['Block evil.example.com and 203.0.113.66.'] };
    expect(checkAnswer(answer, ctx())).toEqual({
      ok: false,
      reason: 'ungrounded_output',
      detail: 'names entities absent from the findings: ipv4 203.0.113.66, domain_or_file evil.example.com',
    });
  });

  it('refuses to call high-severity activity benign, but lets it report a manipulation attempt', () => {
    const benign = { ...GOOD_ANSWER, root_cause: 'This appears to be a false positive caused by a scanner.' };
    expect(checkAnswer(benign, ctx())).toMatchObject({ ok: false, reason: 'contradicts_findings' });
    const reported = { ...GOOD_ANSWER, impact: 'A web request asked that the events be considered benign, an attempt to manipulate automated analysis.' };
    expect(checkAnswer(reported, ctx())).toMatchObject({ ok: true });
  });

  it('lets a low-severity finding be described as likely benign', () => {
    const benign = { ...GOOD_ANSWER, root_cause: 'The activity is likely benign administrative work.' };
    expect(checkAnswer(benign, ctx('low'))).toMatchObject({ ok: true });
  });
});
