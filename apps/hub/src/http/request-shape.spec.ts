import { contentTypeProblem, queryProblem } from './request-shape';

describe('queryProblem', () => {
  const declared = ['from', 'to', 'limit'];

  it('accepts declared parameters given once, and no parameters at all', () => {
    expect(queryProblem({ from: '1', limit: '' }, declared)).toBeUndefined();
    expect(queryProblem({}, [])).toBeUndefined();
  });

  it('refuses a parameter given more than once', () => {
    expect(queryProblem({ limit: ['1', '2'] }, declared)).toBe('Query parameter "limit" is given 2 times; give it once');
  });

  it('refuses a nested value (a query parser that builds objects)', () => {
    expect(queryProblem({ limit: { gt: '1' } }, declared)).toBe('Query parameter "limit" must be a plain value');
  });

  it('refuses an unknown parameter, naming the ones the endpoint takes', () => {
    expect(queryProblem({ limt: '5' }, declared)).toBe('Unknown query parameter "limt"; allowed: from, to, limit');
    expect(queryProblem({ x: '1' }, [])).toBe('Unknown query parameter "x"; this endpoint takes no query parameters');
    expect(queryProblem(JSON.parse('{"__proto__":"1"}') as Record<string, unknown>, declared)).toBe('Unknown query parameter "__proto__"; allowed: from, to, limit');
  });

  it('shows a hostile parameter name escaped', () => {
    expect(queryProblem({ 'a\u0000\u202e': '1' }, declared)).toBe('Unknown query parameter "a\\u0000\\u202e"; allowed: from, to, limit');
  });

  it('lets a handler that reads the whole query have any names (but still each once)', () => {
    expect(queryProblem({ anything: '1' }, null)).toBeUndefined();
    expect(queryProblem({ anything: ['1', '2'] }, null)).toMatch(/given 2 times/);
  });
});

describe('contentTypeProblem', () => {
  const json = ['application/json'];
  const headers = (contentType?: string, contentLength?: string, transferEncoding?: string) => ({ contentType, contentLength, transferEncoding });

  it('accepts JSON, with a charset parameter or in another case', () => {
    expect(contentTypeProblem(headers('application/json', '2'), json)).toBeUndefined();
    expect(contentTypeProblem(headers('Application/JSON; charset=utf-8', '2'), json)).toBeUndefined();
  });

  it('does not care about the type of a request without a body', () => {
    expect(contentTypeProblem(headers(undefined), json)).toBeUndefined();
    expect(contentTypeProblem(headers('text/plain', '0'), json)).toBeUndefined();
  });

  it('refuses another type, or none, when there is a body (by length or chunked)', () => {
    expect(contentTypeProblem(headers('text/plain', '5'), json)).toBe('Content-Type "text/plain" is not accepted here; send the body as application/json');
    expect(contentTypeProblem(headers('application/x-www-form-urlencoded', undefined, 'chunked'), json)).toBe(
      'Content-Type "application/x-www-form-urlencoded" is not accepted here; send the body as application/json',
    );
    expect(contentTypeProblem(headers(undefined, '5'), json)).toBe('Content-Type is missing; send the body as application/json');
    expect(contentTypeProblem(headers('application/jsonx', '5'), json)).toMatch(/not accepted/);
  });

  it('takes what a route declares instead', () => {
    expect(contentTypeProblem(headers('text/csv; charset=utf-8', '5'), ['text/csv'])).toBeUndefined();
    expect(contentTypeProblem(headers('application/json', '5'), ['text/csv'])).toBe('Content-Type "application/json" is not accepted here; send the body as text/csv');
  });
});
