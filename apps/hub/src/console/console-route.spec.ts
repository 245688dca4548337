import { consoleRoute } from './console-route';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('consoleRoute', () => {
  it('answers page routes with the app, deep links included', () => {
    expect(consoleRoute('GET', '/', HTML)).toEqual({ kind: 'page' });
    expect(consoleRoute('GET', '/devices/gas-3', HTML)).toEqual({ kind: 'page' });
    expect(consoleRoute('HEAD', '/alerts', undefined)).toEqual({ kind: 'page' });
  });

  it('never answers the API, its docs or the metrics', () => {
    for (const path of ['/api', '/api/devices', '/api/nope', '/api/docs', '/api/docs-json', '/metrics', '/metrics/x']) {
      expect([path, consoleRoute('GET', path, HTML)]).toEqual([path, { kind: 'pass' }]);
    }
  });

  it('leaves writes to the API', () => {
    expect(consoleRoute('POST', '/', HTML)).toEqual({ kind: 'pass' });
    expect(consoleRoute('PUT', '/alerts', HTML)).toEqual({ kind: 'pass' });
  });

  it('serves files by name, hashed assets as immutable', () => {
    expect(consoleRoute('GET', '/assets/index-Ab12.js', '*/*')).toEqual({ kind: 'file', file: 'assets/index-Ab12.js', immutable: true });
    expect(consoleRoute('GET', '/favicon.svg', 'image/*')).toEqual({ kind: 'file', file: 'favicon.svg', immutable: false });
  });

  it('refuses paths that could leave the console folder', () => {
    expect(consoleRoute('GET', '/assets/../../etc/passwd.txt', HTML)).toEqual({ kind: 'pass' });
    expect(consoleRoute('GET', '/./index.html', HTML)).toEqual({ kind: 'pass' });
    expect(consoleRoute('GET', '//x.js', HTML)).toEqual({ kind: 'pass' });
  });

  it('lets a JSON client get a 404 rather than a page', () => {
    expect(consoleRoute('GET', '/devices', 'application/json')).toEqual({ kind: 'pass' });
  });
});
