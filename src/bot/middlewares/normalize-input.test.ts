import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize-input.js';

describe('normalizeText', () => {
  it('drops controls (not newline or tab), bidi and zero-width characters, and composes to NFC', () => {
    expect(normalizeText('Ива\u0000нова\u0007 \u001B[31mМария').text).toBe('Иванова [31mМария');
    expect(normalizeText('a\tb\nc\r\n').text).toBe('a\tb\nc\n');
    expect(normalizeText('\u202Eабв\u202C \u2066x\u2069 \u200E\u200F\u061C').text).toBe('абв x ');
    expect(normalizeText('\uFEFFГря\u200Bзи\u200C\u200D\u2060').text).toBe('Грязи');
    expect(normalizeText('\u0085C1').text).toBe('C1');
    expect(normalizeText('Е\u0308ж').text).toBe('Ёж');
    expect(normalizeText('Е\u0308ж').text).toHaveLength(2);
  });

  it('moves entity offsets with the text, so a command after removed characters is still a command', () => {
    const { text, entities } = normalizeText('\u200B\u200B/start now', [
      { type: 'bot_command', offset: 2, length: 6 },
    ]);
    expect(text).toBe('/start now');
    expect(entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    const bold = normalizeText('a\u0000b\u0000c', [{ type: 'bold', offset: 2, length: 3 }]);
    expect(bold.text).toBe('abc');
    expect(bold.entities).toEqual([{ type: 'bold', offset: 1, length: 2 }]);
  });

  it('keeps ordinary text as it is', () => {
    const text = 'Иванова Мария Петровна, ул. Мира, д. 1 😀';
    expect(normalizeText(text).text).toBe(text);
  });
});
