import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBeat, every } from './beat.js';

describe('the one-second beat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs every listener of the process on one timer, and none once the last has stopped', () => {
    const beat = createBeat(1000);
    const calls: string[] = [];
    const stopWipeCheck = beat.every(() => calls.push('wipe check'));
    const stopDrain = beat.every(() => calls.push('drain'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['wipe check', 'drain']);
    stopWipeCheck();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['wipe check', 'drain', 'drain']);
    stopDrain();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('puts one-second pollers on the shared beat and others on timers of their own', () => {
    const stops = [every(1000, () => {}), every(1000, () => {}), every(30_000, () => {})];
    expect(vi.getTimerCount()).toBe(2);
    for (const stop of stops) stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
