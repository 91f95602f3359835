import { eq } from 'drizzle-orm';
import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';
import { families, staff } from '../../db/schema/index.js';
import { mainMenuKeyboard, menuButton } from './menu.keyboards.js';

/** The curator's name for «Написать куратору», or undefined while none is assigned. */
async function curatorNameOfFamily(ctx: BotContext, familyId: number): Promise<string | undefined> {
  const [row] = await ctx.deps.db
    .select({ name: staff.fullName })
    .from(families)
    .innerJoin(staff, eq(staff.id, families.curatorId))
    .where(eq(families.id, familyId));
  return row?.name;
}

/** `/help`, `/menu`, `/cancel` and «Написать куратору». Dialogues are left before these run (escape.ts). */
export function createMenuComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');

  privateChat.command(['menu', 'cancel'], async (ctx) => {
    const key = ctx.msg.text.startsWith('/cancel') ? 'menu-cancelled' : 'menu-shown';
    if (!ctx.member) {
      await ctx.reply(ctx.t(`${key}-unregistered`), { reply_markup: { remove_keyboard: true } });
      return;
    }
    await ctx.reply(ctx.t(key), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  privateChat.command('help', async (ctx) => {
    if (!ctx.member) {
      await ctx.reply(ctx.t('help-unregistered'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    await ctx.reply(ctx.t('help-family'), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  // Relay to the curator is the curator-workspace issue; until then say honestly how to reach them.
  privateChat.filter(
    (ctx) => menuButton(ctx) === 'write_curator',
    async (ctx) => {
      if (!ctx.member) {
        await ctx.reply(ctx.t('menu-register-first'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      const curator = await curatorNameOfFamily(ctx, ctx.member.familyId);
      await ctx.reply(
        curator ? ctx.t('menu-write-curator-named', { curator }) : ctx.t('menu-write-curator-none'),
        { reply_markup: mainMenuKeyboard(ctx.t) },
      );
    },
  );

  return composer;
}
