import type { IngestReceipt } from '../ingest.service';
import { ingestAnswer } from './ingest-answer';

const receipt = (accepted: number, duplicates: number, refused: IngestReceipt['refused'] = []): IngestReceipt => ({ accepted, duplicates, refused });

describe('ingestAnswer', () => {
  it('answers 200 when anything was stored or known as a resend, with each refusal and its index', () => {
    expect(ingestAnswer({ kind: 'taken', receipt: receipt(2, 0, [{ index: 1, reason: 'VALUE_OUT_OF_RANGE', detail: 'too high' }]) })).toEqual({
      status: 200,
      body: { accepted: 2, duplicates: 0, refused: [{ index: 1, reason: 'VALUE_OUT_OF_RANGE', message: 'too high' }] },
    });
    expect(ingestAnswer({ kind: 'taken', receipt: receipt(0, 3) })).toEqual({ status: 200, body: { accepted: 0, duplicates: 3, refused: [] } });
  });

  it('answers 422 when JSON held no valid reading, naming the first refusal', () => {
    expect(ingestAnswer({ kind: 'taken', receipt: receipt(0, 0, [{ index: 0, reason: 'METRIC_UNKNOWN', detail: 'no x' }, { index: 1, reason: 'TS_INVALID', detail: 'bad ts' }]) })).toEqual({
      status: 422,
      body: {
        statusCode: 422,
        error: 'UNPROCESSABLE_ENTITY',
        message: 'No reading was accepted: 2 refused (first at index 0: METRIC_UNKNOWN: no x)',
        accepted: 0,
        duplicates: 0,
        refused: [
          { index: 0, reason: 'METRIC_UNKNOWN', message: 'no x' },
          { index: 1, reason: 'TS_INVALID', message: 'bad ts' },
        ],
      },
    });
    expect(ingestAnswer({ kind: 'taken', receipt: receipt(0, 0, [{ reason: 'BATCH_EMPTY', detail: 'payload is an empty array' }]) }).body.message).toBe(
      'No reading was accepted: 1 refused (BATCH_EMPTY: payload is an empty array)',
    );
  });

  it.each([
    ['MALFORMED_JSON', 400, 'Request body is not a JSON reading or array of readings (MALFORMED_JSON): why'],
    ['NESTING_TOO_DEEP', 400, 'Request body is not a JSON reading or array of readings (NESTING_TOO_DEEP): why'],
    ['DUPLICATE_KEY', 400, 'Request body is not a JSON reading or array of readings (DUPLICATE_KEY): why'],
    ['PAYLOAD_TOO_LARGE', 413, 'Request body why; send fewer readings per request'],
    ['READING_NOT_OBJECT', 422, 'No reading was accepted: 1 refused (READING_NOT_OBJECT: why)'],
  ] as const)('answers a whole-body %s with %i', (reason, status, message) => {
    expect(ingestAnswer({ kind: 'taken', receipt: receipt(0, 0, [{ reason, detail: 'why' }]) })).toMatchObject({ status, body: { statusCode: status, message, refused: [{ index: null, reason }] } });
  });

  it('answers 202 for a quarantined device and 403 for another device\'s path', () => {
    expect(ingestAnswer({ kind: 'held', receipt: receipt(0, 0, [{ reason: 'DEVICE_QUARANTINED', detail: 'held' }]) })).toEqual({
      status: 202,
      body: { accepted: 0, duplicates: 0, refused: [{ index: null, reason: 'DEVICE_QUARANTINED', message: 'held' }], message: 'held' },
    });
    expect(ingestAnswer({ kind: 'forbidden', receipt: receipt(0, 0, [{ reason: 'TOPIC_FORBIDDEN', detail: 'not yours' }]) })).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'FORBIDDEN', message: 'not yours' },
    });
  });
});
