import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { BodyRefusedError, bodyErrorMessage, checkJsonBody, refuseProtoKey } from './json-body';

const request = new IncomingMessage(new Socket());
const response = new ServerResponse(request);
const check = (body: Buffer | string, encoding = 'utf-8') => () => checkJsonBody(request, response, Buffer.from(body), encoding);

describe('checkJsonBody', () => {
  it('passes UTF-8 JSON up to 32 levels deep', () => {
    expect(check(`{"name":"Køge","x":${'['.repeat(31)}${']'.repeat(31)}}`)).not.toThrow();
  });

  it('refuses 33 levels before parsing, naming the byte', () => {
    expect(check(`{"x":${'['.repeat(100_000)}`)).toThrow(new BodyRefusedError(400, 'Request body nests arrays and objects deeper than 32 levels (byte 36)'));
  });

  it('refuses invalid UTF-8 instead of letting it become U+FFFD', () => {
    expect(check(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toThrow(new BodyRefusedError(400, 'Request body is not valid UTF-8'));
  });

  it('refuses UTF-16 and UTF-32 with 415', () => {
    let error: unknown;
    try {
      check('{}', 'utf-16le')();
    } catch (caught) {
      error = caught;
    }
    expect(error).toEqual(new BodyRefusedError(415, 'Request body charset "utf-16le" is not supported; send UTF-8 JSON'));
    expect(error).toMatchObject({ status: 415 });
  });
});

describe('refuseProtoKey', () => {
  it('refuses a __proto__ key at any depth while JSON.parse revives', () => {
    expect(() => JSON.parse('{"a":{"b":[{"__proto__":{"polluted":true}}]}}', refuseProtoKey)).toThrow('Request body has a "__proto__" key, which is never a field here');
    expect(() => JSON.parse('{"\\u005f_proto__":1}', refuseProtoKey)).toThrow(BodyRefusedError);
    expect(JSON.parse('{"constructor":{"prototype":1},"proto":2}', refuseProtoKey)).toEqual({ constructor: { prototype: 1 }, proto: 2 });
  });
});

describe('bodyErrorMessage', () => {
  it.each([
    [{ type: 'entity.too.large', length: 2_000_000, limit: 1_048_576 }, 'Request body of 2000000 bytes is larger than the limit of 1048576 bytes'],
    [{ type: 'entity.too.large', limit: 1_048_576 }, 'Request body is larger than the limit of 1048576 bytes'],
    [{ type: 'entity.parse.failed', body: '{"a":', message: 'Unexpected end of JSON input' }, 'Request body is not valid JSON: Unexpected end of JSON input'],
    [{ type: 'entity.parse.failed', body: ' null', message: 'Unexpected token' }, 'Request body must be a JSON object or array, got "null"'],
    [{ type: 'entity.parse.failed', body: '{\u0000', message: 'Unexpected token \u0000' }, 'Request body is not valid JSON: Unexpected token \\u0000'],
    [{ type: 'charset.unsupported', charset: 'latin1' }, 'Request body charset "latin1" is not supported; send UTF-8 JSON'],
    [{ type: 'encoding.unsupported', encoding: 'compress' }, 'Content-Encoding "compress" is not supported; send the body uncompressed, or as gzip, deflate or br'],
    [{ code: 'Z_DATA_ERROR', message: 'incorrect header check' }, 'Request body could not be decompressed as its Content-Encoding says: incorrect header check'],
    [new BodyRefusedError(400, 'Request body is not valid UTF-8'), 'Request body is not valid UTF-8'],
  ])('explains %j', (cause, message) => {
    expect(bodyErrorMessage(cause)).toBe(message);
  });

  it('leaves other errors alone', () => {
    expect(bodyErrorMessage(undefined)).toBeUndefined();
    expect(bodyErrorMessage(new Error('boom'))).toBeUndefined();
  });
});
