import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultPolicies, loadDeadlinePolicies } from '../../deadline-policies.js';
import { formatWindow, sandboxDeadlinesNote } from './deadlines-note.js';

const chats = { district: 'Руководитель', regional: 'Руководитель области' };

describe('the sandbox page’s note about deadlines', () => {
  it('says windows the way a person does', () => {
    expect(formatWindow(2)).toBe('2 мин');
    expect(formatWindow(0.25)).toBe('15 с');
    expect(formatWindow(1.5)).toBe('1 мин 30 с');
    expect(formatWindow(120)).toBe('2 ч');
    expect(formatWindow(3 * 24 * 60)).toBe('3 д');
    expect(formatWindow(0.001)).toBe('1 с');
    expect(formatWindow(1.5, 'en')).toBe('1 min 30 s');
  });

  it('tells the sandbox’s own policy file: minutes, and when each step of the ladder comes', () => {
    const loaded = loadDeadlinePolicies(fileURLToPath(new URL('../policies.sandbox.json', import.meta.url)));
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const note = sandboxDeadlinesNote(loaded.policies, chats);
    expect(note).toContain(
      'взять заявку в работу — за 2 мин (срочную к психологу — за 1 мин), решить — за 10 мин.',
    );
    expect(note).toContain(
      'через 1 мин куратору придёт напоминание, через 2 мин — оповещение в чат «Руководитель», через 4 мин — в чат «Руководитель области».',
    );
  });

  it('gives a range when the categories differ (the real SPEC deadlines)', () => {
    const note = sandboxDeadlinesNote(defaultPolicies, chats);
    expect(note).toContain('взять заявку в работу — за 2 ч – 4 ч (срочную к психологу — за 15 мин)');
    expect(note).toContain('решить — за 3 д – 10 д');
  });
});
