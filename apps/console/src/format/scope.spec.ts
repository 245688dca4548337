import { useLanguageForTests } from '../i18n/i18n.testing';
import { describeScope, parseTownList } from './scope';

beforeEach(() => useLanguageForTests('en'));

describe('scope formatting', () => {
  it('names the county or the towns and domains', () => {
    expect(describeScope({ towns: [], domains: [] })).toBe('the county');
    expect(describeScope({ towns: ['Ashford', 'Brook'], domains: ['water'] })).toBe('Ashford, Brook · water');
    expect(describeScope({ towns: [], domains: ['gas', 'heat'] })).toBe('gas, heat');
  });

  it('reads a comma-separated list of towns', () => {
    expect(parseTownList(' Ashford, Brook ,, ')).toEqual(['Ashford', 'Brook']);
    expect(parseTownList('')).toEqual([]);
  });
});
