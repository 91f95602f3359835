/**
 * The framework floor: a bare grammY webhook bot (no database, no Redis, no dialogues) that makes the same
 * Bot API calls as the real bot's request dialogue: a message is answered with one message carrying inline
 * buttons; a press is answered (answerCallbackQuery), its message edited to show the choice, and the next
 * message sent; «Готово» (the dialogue's last press) turns its message into the confirmation, as the real
 * bot turns the summary into «принята», and sends one message more: per walk, as many calls of each method
 * as the real bot makes (the scenario prints both counts). Run as
 * its own process by the intake scenario, with the same webhook settings as the real bot.
 */
import { createServer } from 'node:http';
import type { ConversationFlavor } from '@grammyjs/conversations';
import { Bot, type Context, InlineKeyboard, webhookCallback } from 'grammy';
import nodeFetch from 'node-fetch';
import { createLeanFetch } from '../../src/telegram/lean-fetch.js';
import { useStackFloor } from './floor-stack.js';

const token = process.env.BOT_TOKEN!;
const apiRoot = process.env.TELEGRAM_API_ROOT!;
const port = Number(process.env.HTTP_PORT);
const webhookUrl = process.env.WEBHOOK_URL!;
const secret = process.env.WEBHOOK_SECRET!;

// BENCH_FLOOR_FETCH=lean: the floor with the real bot's Bot API transport (src/telegram/lean-fetch.ts), to
// tell the transport's saving from the bot's own overhead; otherwise grammY's own (node-fetch).
const fetch = process.env.BENCH_FLOOR_FETCH === 'lean' ? createLeanFetch(nodeFetch) : undefined;
const kind = process.env.BENCH_FLOOR_KIND ?? 'bare';
const bot = new Bot<ConversationFlavor<Context>>(token, { client: { apiRoot, ...(fetch ? { fetch } : {}) } });
const next = new InlineKeyboard().text('Дальше', 'next').text('Готово', 'done');
if (kind === 'bare') {
  bot.on('message', (ctx) => ctx.reply('Ответ', { reply_markup: next }));
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery();
    const done = ctx.callbackQuery.data === 'done';
    await ctx.editMessageText(done ? 'Ответ\n\nОтвет принят' : 'Ответ\n\n✓ Дальше');
    await ctx.reply('Ответ', { reply_markup: next });
  });
} else {
  await useStackFloor(bot, kind, next);
}

await bot.init();
const handle = webhookCallback(bot, 'http', { secretToken: secret });
const server = createServer((req, res) => {
  void handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
await bot.api.setWebhook(webhookUrl, { secret_token: secret });
process.stdout.write(`${JSON.stringify({ msg: 'started', port })}\n`);

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
