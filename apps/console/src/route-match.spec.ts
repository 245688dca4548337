import { matchPath } from './route-match';

describe('matchPath', () => {
  it('matches literal segments and takes parameters, decoded', () => {
    expect(matchPath('/alerts', '/alerts')).toEqual({});
    expect(matchPath('/alerts/:id', '/alerts/42')).toEqual({ id: '42' });
    expect(matchPath('/devices/:id', '/devices/gas%2D3')).toEqual({ id: 'gas-3' });
    expect(matchPath('/', '/')).toEqual({});
  });

  it('refuses other shapes and malformed escapes', () => {
    expect(matchPath('/alerts/:id', '/alerts')).toBeNull();
    expect(matchPath('/alerts/:id', '/alerts/1/history')).toBeNull();
    expect(matchPath('/rules/new', '/rules/other')).toBeNull();
    expect(matchPath('/devices/:id', '/devices/%E0%A4%A')).toBeNull();
  });
});
