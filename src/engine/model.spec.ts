import { SEVERITIES, SCOPES } from './model';

describe('engine model', () => {
  it('lists the contract severities in ascending order', () => {
    expect(SEVERITIES).toEqual(['info', 'low', 'medium', 'high', 'critical']);
  });
  it('lists the contract scopes', () => {
    expect(SCOPES).toEqual(['incident', 'campaign', 'artifact']);
  });
});
