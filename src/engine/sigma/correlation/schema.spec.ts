import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { correlationSchemaIssues } from './schema';
import { sharedPath } from '../../../testing/shared-data';

const EXAMPLES = sharedPath('sigma-spec', 'examples', 'correlation');

describe('correlationSchemaIssues', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.yml')))('finds the official example %s conforming', (file) => {
    expect(correlationSchemaIssues(parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>)).toEqual([]);
  });

  it('reports malformed metadata as errors', () => {
    const issues = correlationSchemaIssues({
      title: 'x'.repeat(300),
      id: 'not-a-uuid',
      status: 'production',
      date: '2024/01/01',
      references: ['a', 'a'],
      falsepositives: ['x'],
      correlation: { type: 'event_count', rules: ['a1'], timespan: '1h', condition: { gte: 1 } },
    });
    expect(issues.map((i) => `${i.severity}: ${i.message}`)).toEqual([
      'error: title is longer than 256 characters',
      "error: id 'not-a-uuid' is not a UUID",
      "error: status 'production' is not one of stable, test, experimental, deprecated, unsupported",
      "error: date '2024/01/01' is not a YYYY-MM-DD date",
      'error: references must be a list of distinct strings',
      'error: falsepositives must be a string or a list of distinct strings (2 characters at least)',
    ]);
  });

  it('reports pySigma leniencies as warnings', () => {
    const issues = correlationSchemaIssues({
      title: 't',
      correlation: { type: 'value_avg', rules: 'web', 'group-by': 'SourceIp', timespan: '1h', condition: { field: 'Bytes', gt: 10.5 } },
    });
    expect(issues.map((i) => `${i.severity}: ${i.message}`)).toEqual([
      'warning: correlation.rules should be a list (a single string is a pySigma leniency)',
      'warning: correlation.group-by should be a list (a single string is a pySigma leniency)',
      'warning: correlation.condition.gt should be an integer in the schema (pySigma accepts 10.5)',
    ]);
  });
});
