import { exportLinks } from './export-links';

describe('exportLinks', () => {
  it('points at the hub’s CSV exports with the page’s filters, only those set, encoded', () => {
    expect(exportLinks.readings('cg-001', { from: 1_000, to: 2_000 })).toBe('/api/exports/readings.csv?devices=cg-001&from=1000&to=2000');
    expect(exportLinks.alerts({ state: 'open', town: '城关镇', severity: '', device: undefined, limit: 500 })).toBe('/api/exports/alerts.csv?state=open&town=%E5%9F%8E%E5%85%B3%E9%95%87');
    expect(exportLinks.deadLetters({ reason: 'MALFORMED_JSON', from: 5, limit: 200 })).toBe('/api/exports/dead-letters.csv?reason=MALFORMED_JSON&from=5');
    expect(exportLinks.deadLetters({})).toBe('/api/exports/dead-letters.csv');
  });
});
