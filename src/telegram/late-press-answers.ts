import type { Transformer } from 'grammy';

/**
 * An answer to a press that Telegram refuses (400: older than its few seconds — a press kept through a
 * database outage and handled when it is back) is taken as given: what the press did is done, and only the
 * spinner's stop is lost, so the person is not told «не получилось обработать» about a change that was
 * made. Installed on the bot's Api and on every dialogue context's (the conversations plugin makes an Api of
 * its own per replayed update, without the bot's transformers: dialogue/extras.ts).
 */
export const forgiveLatePressAnswers: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (method === 'answerCallbackQuery' && !response.ok && response.error_code === 400) {
    return { ok: true, result: true } as Awaited<ReturnType<typeof prev>>;
  }
  return response;
};
