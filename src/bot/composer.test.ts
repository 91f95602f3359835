import { Api, Context, Composer as GrammyComposer, type NextFunction } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { Composer } from './composer.js';

const me = {
  id: 1,
  is_bot: true,
  first_name: 'Бот',
  username: 'patronazh_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;
const person = { id: 7, is_bot: false, first_name: 'Ольга' };
const privateChat = { id: 7, type: 'private' as const, first_name: 'Ольга' };
const group = { id: -5, type: 'group' as const, title: 'Кураторы' };

function text(updateId: number, body: string, chat: typeof privateChat | typeof group = privateChat): Update {
  const command = /^\/\w+/.exec(body)?.[0];
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 0,
      chat,
      from: person,
      text: body,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  } as Update;
}

function press(updateId: number, data: string): Update {
  return {
    update_id: updateId,
    callback_query: {
      id: String(updateId),
      from: person,
      chat_instance: 'c',
      data,
      message: { message_id: 1, date: 0, chat: privateChat, text: 'вопрос' },
    },
  } as Update;
}

const updates: Update[] = [
  text(1, '/start'),
  text(2, '/start', group),
  text(3, '/help@patronazh_bot'),
  text(4, 'привет'),
  text(5, 'Нужна помощь'),
  text(6, 'медленно'),
  text(7, 'ошибка в фильтре'),
  text(8, 'ошибка в обработчике'),
  text(9, 'дважды'),
  text(10, '/late'),
  text(11, 'что-то ещё', group),
  press(12, 'req:1:open'),
  press(13, 'other'),
  { update_id: 14, edited_message: text(14, 'правка').message } as Update,
];

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The same registrations, in the shapes the features use (use, on, command, hears, callbackQuery,
 * chatType with a filter under it, asynchronous and truthy filters, drop, errorBoundary, a composer grown
 * after it was mounted, handlers that call `next` and handlers that do not), each writing to the trace.
 */
function register(root: GrammyComposer<Context>, trace: string[]) {
  const step =
    (name: string, onward = false) =>
    async (ctx: Context, next: NextFunction) => {
      trace.push(`${name}#${ctx.update.update_id}`);
      if (onward) await next();
    };
  root.use(step('first', true));
  const privateOnly = root.chatType('private');
  root.on('message:text', step('any text', true));
  root.command('start', step('start'));
  privateOnly.command('help', step('help'));
  privateOnly.filter((ctx) => ctx.message?.text === 'Нужна помощь', step('need help'));
  privateOnly.filter(async (ctx) => {
    await tick();
    return ctx.message?.text === 'медленно';
  }, step('slow filter'));
  // A truthy value, not a boolean.
  root.filter((ctx) => ctx.message?.text?.match(/^при/) as unknown as boolean, step('truthy', true));
  root.hears('привет', step('hears'));
  root.filter((ctx) => {
    if (ctx.message?.text === 'ошибка в фильтре') throw new Error('filter failed');
    return false;
  }, step('never'));
  root.on('message', (ctx, next) => {
    if (ctx.message.text === 'ошибка в обработчике') throw new Error('handler failed');
    if (ctx.message.text !== 'дважды') return next();
    return next().then(next);
  });
  root.drop((ctx) => ctx.chat?.type === 'private', step('dropped private'));
  const bounded = root.errorBoundary((error) => {
    trace.push(`boundary caught ${(error.error as Error).message}`);
  });
  bounded.callbackQuery(/^req:/, async (ctx) => {
    trace.push(`press ${ctx.callbackQuery.data}`);
    throw new Error('press failed');
  });
  root.use(step('after the boundary', true)).on('edited_message', step('edited'));
  // Registered on a composer already mounted above: grammY sees it, so must we.
  privateOnly.command('late', step('late'));
  root.use(step('last'));
}

async function traceOf(make: () => GrammyComposer<Context>, update: Update) {
  const trace: string[] = [];
  const root = make();
  register(root, trace);
  const ctx = new Context(update, new Api('0:test'), me);
  let outcome = 'passed on';
  const done = Promise.resolve(
    root.middleware()(ctx, async () => {
      trace.push('the end');
    }),
  ).then(
    () => `resolved (${outcome})`,
    (error: Error) => `rejected: ${error.message}`,
  );
  outcome = 'settled later';
  trace.push(await done);
  return trace;
}

describe('our Composer', () => {
  it('runs every registration as grammY does: order, filters, next() once, errors', async () => {
    for (const update of updates) {
      const grammys = await traceOf(() => new GrammyComposer<Context>(), update);
      const ours = await traceOf(() => new Composer<Context>(), update);
      expect(ours, `update ${update.update_id}`).toEqual(grammys);
    }
  });

  it('takes what a press or a command reaches: the handler, and the steps after it only through next()', async () => {
    expect(await traceOf(() => new Composer<Context>(), text(1, '/start'))).toEqual([
      'first#1',
      'any text#1',
      'start#1',
      'resolved (settled later)',
    ]);
    expect(await traceOf(() => new Composer<Context>(), text(6, 'медленно'))).toEqual([
      'first#6',
      'slow filter#6',
      'resolved (settled later)',
    ]);
    expect(await traceOf(() => new Composer<Context>(), text(9, 'дважды'))).toEqual([
      'first#9',
      'any text#9',
      'after the boundary#9',
      'last#9',
      'rejected: `next` already called before!',
    ]);
    expect(await traceOf(() => new Composer<Context>(), text(10, '/late'))).toEqual([
      'first#10',
      'late#10',
      'resolved (settled later)',
    ]);
  });

  it('builds the composers it hands out as its own, so a chain of filters stays in one loop', () => {
    const root = new Composer<Context>();
    expect(root.chatType('private').command('start')).toBeInstanceOf(Composer);
    expect(root.use().on('message')).toBeInstanceOf(Composer);
  });
});
