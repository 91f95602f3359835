import { describe, expect, it } from 'vitest';
import { beyondCeiling } from './scenario-flood.js';

describe('a backlogged /help beyond Telegram’s ceiling', () => {
  it('takes off each answer the time the replies before it needed at 30 a second, whoever came first', () => {
    // Four families answered at 70, 10, 2,000 and 40 ms: in order, the 2nd could not go before 33 ms, the
    // 3rd before 67, the 4th before 100.
    const beyond = beyondCeiling([70, 10, 2000, 40]);
    expect(beyond.map((ms) => Math.round(ms))).toEqual([10, 7, 3, 1900]);
  });

  it('keeps what the ceiling does not explain: had all 50 come at 1.7 s, the first is 1.7 s late', () => {
    const beyond = beyondCeiling(Array.from({ length: 50 }, () => 1700));
    expect(Math.round(beyond[0]!)).toBe(1700);
    expect(Math.round(beyond[49]!)).toBe(67);
  });
});
