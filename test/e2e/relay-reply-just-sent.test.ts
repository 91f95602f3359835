import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { body, delivered, takenRequest } from './relay-fixtures.js';

/**
 * A reply to a copy the moment it arrives. Delivery writes a copy's message ids in the transaction that
 * marks it sent, a moment after Telegram shows the copy; a slow database (here: a trigger that holds that
 * write for 1.5 s) makes the moment longer. The bot then does not know yet what the reply answers; it must
 * look again while the send is being recorded, not tell the person how to write (and drop the answer).
 */
const bot = useE2E();

const HOLD_SECONDS = 1.5;

async function holdCopyRecords(column: 'staff_message_id' | 'family_message_id') {
  await bot.db.execute(
    sql.raw(`
      create or replace function test_hold_copy_record() returns trigger language plpgsql as $$
      begin
        if new.${column} is distinct from old.${column} then perform pg_sleep(${HOLD_SECONDS}); end if;
        return new;
      end $$;
      create trigger test_hold_copy_record before update on messages
        for each row execute function test_hold_copy_record();`),
  );
}

afterEach(async () => {
  await bot.db.execute(sql`drop trigger if exists test_hold_copy_record on messages`);
});

describe('a reply to a copy that is still being recorded', () => {
  it('the curator answers the family’s message at once: the answer reaches the family', async () => {
    const { C, F, request, toCurator, toFamily } = await takenRequest(bot);
    await holdCopyRecords('staff_message_id');

    bot.emulator.sendText(F, 'Когда придёт няня?');
    const copy = await toCurator('Когда придёт няня?');
    // At once: the copy's ids are not written yet.
    bot.emulator.sendText(C, 'Завтра в 9:00, я позвоню заранее.', { replyTo: copy.message_id });

    const answer = await toFamily('Завтра в 9:00');
    expect(body(answer)).toContain(`заявка № ${request.number}`);
    expect(answer.reply_to_message?.text).toBe('Когда придёт няня?');
    await delivered(bot);
    const hints = bot.emulator
      .messages(C, { from: 'bot' })
      .filter((m) => body(m).includes('Чтобы написать семье'));
    expect(hints).toEqual([]);
  });

  it('the family answers the curator’s message at once: it threads to the curator’s message', async () => {
    const { C, F, request, toCurator, toFamily, card } = await takenRequest(bot);
    bot.emulator.sendText(C, 'Няня придёт завтра. Вам удобно в 9:00?', { replyTo: card.message_id });
    const question = await toFamily('Вам удобно в 9:00?');
    await delivered(bot);
    await holdCopyRecords('family_message_id');

    bot.emulator.sendText(C, 'Или лучше в 10:00?', { replyTo: card.message_id });
    const second = await toFamily('лучше в 10:00');
    // At once, to the second question: the family's answer goes to the curator as a reply to it.
    bot.emulator.sendText(F, 'В 10:00 лучше, спасибо.', { replyTo: second.message_id });

    const answer = await toCurator('В 10:00 лучше');
    expect(body(answer)).toContain(`заявка № ${request.number}`);
    expect(answer.reply_to_message?.text).toContain('Или лучше в 10:00?');
    expect(question.message_id).toBeLessThan(second.message_id);
  });
});
