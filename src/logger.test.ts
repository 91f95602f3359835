import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  const token = '123456:SECRET-token-value';

  it('never prints personal fields, message texts or the bot token', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', botToken: token, destination });
    logger.info(
      {
        familyId: 7,
        phone: '+79001234567',
        member: { fullName: 'Иванова Мария', phone_number: '+79001234567', address: 'ул. Мира, 1' },
        message: { text: 'мне очень тяжело' },
        from: { first_name: 'Мария', username: 'maria' },
      },
      'family registered',
    );
    logger.error({ err: new Error(`request to /bot${token}/getMe failed`) }, 'telegram call failed');
    logger.warn(`fetch https://api.telegram.org/bot${token}/sendMessage failed`);
    const output = lines.join('');
    for (const secret of [
      '+79001234567',
      'Иванова',
      'ул. Мира',
      'мне очень тяжело',
      'Мария',
      'maria',
      token,
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('"familyId":7');
    expect(output).toContain('[bot-token]');
    expect(output).toContain('family registered');
  });
});
