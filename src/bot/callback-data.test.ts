import { describe, expect, it } from 'vitest';
import { callbackData, code, count, id, oneOf } from './callback-data.js';

const buttons = callbackData('tst', {
  first: ['first'],
  page: ['p', count('page', { min: 0, max: 9999 })],
  request: [id('requestId'), oneOf('action', ['open', 'close'])],
  rate: [id('requestId'), 'rate', count('rating', { min: 1, max: 5 })],
  measure: ['m', code('code')],
});

describe('callback data', () => {
  it('reads back what it writes, as the variant it was written as', () => {
    const big = 2_147_483_647;
    expect(buttons.decode(buttons.encode('first'))).toEqual({ kind: 'first' });
    expect(buttons.decode(buttons.encode('page', { page: 3 }))).toEqual({ kind: 'page', page: 3 });
    expect(buttons.encode('request', { requestId: big, action: 'close' })).toBe(`tst:${big}:close`);
    expect(buttons.decode(`tst:${big}:close`)).toEqual({ kind: 'request', requestId: big, action: 'close' });
    expect(buttons.decode('tst:7:rate:5')).toEqual({ kind: 'rate', requestId: 7, rating: 5 });
    expect(buttons.decode('tst:m:pension_x')).toEqual({ kind: 'measure', code: 'pension_x' });
  });

  it('reads anything else as nothing: other prefixes, unknown words, ids out of range, extra parts', () => {
    for (const data of [
      undefined,
      '',
      'tst',
      'cur:7:open',
      'tst:7:steal',
      'tst:0:open',
      'tst:2147483648:open',
      'tst:-1:open',
      'tst:x:open',
      'tst:7:open:1',
      'tst:7:rate:6',
      'tst:7:rate',
      'tst:m:X',
      `tst:${'9'.repeat(70)}:open`,
    ]) {
      expect(buttons.decode(data), String(data)).toBeUndefined();
    }
  });

  it('filters its own presses only', () => {
    expect(buttons.filter.test('tst:7:open')).toBe(true);
    expect(buttons.filter.test('tstx:7:open')).toBe(false);
  });
});
