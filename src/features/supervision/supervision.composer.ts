import { InputFile } from 'grammy';
import { Composer } from '../../bot/composer.js';
import type { BotContext, CommandInPrivate, PressInPrivate } from '../../bot/context.js';
import { editOrReply } from '../../bot/edit-or-reply.js';
import { formatRegionDate } from '../../time.js';
import { accessRefusalText } from '../access/index.js';
import { recordStaffView } from '../delivery/index.js';
import { recordShownCard, sendFilesWithShownCard } from '../request-card/index.js';
import { exportRegister } from './supervision.export.js';
import { parseFilterWords } from './supervision.filters.js';
import {
  curatorChoiceKeyboard,
  overdueKeyboard,
  readSupervisionPress,
  type SupervisionCallback,
  supervisionButtonsFilter,
} from './supervision.keyboards.js';
import { parsePeriod, type StatsPeriod } from './supervision.period.js';
import { categoryLabel, overdueLine, statusLabel } from './supervision.render.js';
import type { RegisterFilters } from './supervision.repository.js';
import { categoryCovered, findViewer, type SupervisionViewer, scopeCovers } from './supervision.scope.js';
import { silentText } from './supervision.silent.js';
import { statsMessages } from './supervision.stats.js';
import {
  filterChoices,
  findFamilies,
  openRequestForSupervisor,
  overduePage,
  parseFindQuery,
  reassignFamily,
  reassignmentChoices,
  reassignRequest,
  type SupervisionRefusal,
} from './supervision.usecases.js';

const refusalText = (ctx: BotContext, refusal: SupervisionRefusal) =>
  refusal.reason === 'bad_curator' ? ctx.t('sup-refused-bad-curator') : accessRefusalText(ctx.t, refusal);

/**
 * Supervisor and observer commands in a staff member's private chat: /overdue, /stats, /find, /export,
 * /silent, and
 * the `sup:` buttons (open a request, reassign it or its family). Every command and every press looks the
 * person up again and checks role and scope on the server; a refused press changes nothing and is logged
 * with ids only.
 */
export function createSupervisionComposer() {
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');
  privateChat.command('overdue', overdueCommand);
  privateChat.command('stats', statsCommand);
  privateChat.command('find', findCommand);
  privateChat.command('export', exportCommand);
  privateChat.command('silent', silentCommand);
  privateChat.callbackQuery(supervisionButtonsFilter, supervisionPress);
  return composer;
}

/** The viewer, or a kind refusal (and undefined) for a curator, a family member or a stranger. */
async function viewerOrRefuse(ctx: BotContext, allowObservers: boolean, command: string) {
  if (!ctx.from) return undefined;
  const found = await findViewer(ctx.deps.db, ctx.from.id, { allowObservers });
  if (found.ok) return found.viewer;
  ctx.log.info({ command, reason: found.reason }, 'supervision command refused');
  const key =
    found.reason === 'curator'
      ? 'sup-command-staff-only'
      : found.reason === 'observer'
        ? 'sup-command-observer'
        : ctx.member
          ? 'sup-command-family'
          : 'sup-command-stranger';
  await ctx.reply(ctx.t(key));
  return undefined;
}

async function overdueCommand(ctx: CommandInPrivate) {
  const viewer = await viewerOrRefuse(ctx, false, 'overdue');
  if (!viewer) return;
  const view = await overdueView(ctx, viewer, 0);
  await ctx.reply(view.text, { reply_markup: view.keyboard });
}

async function statsCommand(ctx: CommandInPrivate) {
  const viewer = await viewerOrRefuse(ctx, true, 'stats');
  if (!viewer) return;
  // The same optional filters as /export: a period, a district code, a category code.
  const parsed = await parseExportArgs(ctx, viewer, ctx.match, '/stats');
  if (!parsed.ok) {
    await ctx.reply(
      ctx.t(parsed.key === 'sup-export-usage' ? 'sup-period-invalid' : parsed.key, parsed.args),
    );
    return;
  }
  for (const text of await statsMessages(statsDeps(ctx), viewer, parsed)) await ctx.reply(text);
}

const statsDeps = (ctx: BotContext) => ({ db: ctx.deps.db, t: ctx.t, timeZone: ctx.deps.config.timeZone });

/** `/silent [district]`: families without contact for more than 30 days (supervisors only). */
async function silentCommand(ctx: CommandInPrivate) {
  const viewer = await viewerOrRefuse(ctx, false, 'silent');
  if (!viewer) return;
  const parsed = await parseExportArgs(ctx, viewer, ctx.match, '/silent');
  if (!parsed.ok) {
    await ctx.reply(
      ctx.t(parsed.key === 'sup-export-usage' ? 'sup-period-invalid' : parsed.key, parsed.args),
    );
    return;
  }
  for (const text of await silentText(statsDeps(ctx), viewer.scope, parsed.filters.districtId))
    await ctx.reply(text);
}

async function findCommand(ctx: CommandInPrivate) {
  const viewer = await viewerOrRefuse(ctx, false, 'find');
  if (!viewer) return;
  const query = parseFindQuery(ctx.match);
  if (!query) {
    await ctx.reply(ctx.t('sup-find-usage'));
    return;
  }
  const found = await findFamilies(ctx.deps.db, viewer, query);
  ctx.log.info({ staffId: viewer.id, query: query.kind, found: found.map((f) => f.id) }, 'family search');
  if (found.length === 0) {
    await ctx.reply(ctx.t('sup-find-nothing'));
    return;
  }
  for (const family of found) {
    const keyboard = overdueKeyboard(ctx.t, family.requests.slice(0, 4), 0, 1);
    const shown = await ctx.reply(foundFamilyText(ctx, family), { reply_markup: keyboard });
    // The query typed (a phone, a name) names the family as well as the result.
    await recordStaffView(ctx.deps.db, {
      staffId: viewer.id,
      chatId: ctx.chat.id,
      messageIds: [ctx.msg.message_id, shown.message_id],
      familyId: family.id,
      what: 'search',
    });
  }
}

function foundFamilyText(ctx: BotContext, family: Awaited<ReturnType<typeof findFamilies>>[number]) {
  return [
    ctx.t('sup-find-family', {
      district: family.district,
      curator: family.curator ?? ctx.t('sup-no-curator'),
    }),
    ...family.members.map((m) =>
      ctx.t('sup-find-member', { name: m.fullName ?? '—', phone: m.phone ?? '—' }),
    ),
    ...(family.requests.length === 0
      ? [ctx.t('sup-find-no-requests')]
      : family.requests.map((r) =>
          ctx.t('sup-find-request', {
            number: String(r.number),
            category: categoryLabel(ctx.t, r.category),
            status: statusLabel(ctx.t, r.status),
          }),
        )),
  ].join('\n');
}

async function exportCommand(ctx: CommandInPrivate) {
  const viewer = await viewerOrRefuse(ctx, true, 'export');
  if (!viewer) return;
  const parsed = await parseExportArgs(ctx, viewer, ctx.match, '/export');
  if (!parsed.ok) {
    await ctx.reply(ctx.t(parsed.key, parsed.args));
    return;
  }
  await ctx.replyWithChatAction('upload_document');
  const result = await exportRegister(
    { db: ctx.deps.db, t: ctx.t, timeZone: ctx.deps.config.timeZone },
    viewer,
    parsed.period,
    parsed.filters,
  );
  ctx.log.info({ staffId: viewer.id, rows: result.rows, role: viewer.role }, 'register exported');
  await ctx.replyWithDocument(new InputFile(result.buffer, result.fileName), {
    caption: ctx.t('sup-export-caption', { rows: result.rows }),
  });
}

async function supervisionPress(ctx: PressInPrivate) {
  const press = readSupervisionPress(ctx.callbackQuery.data);
  if (!press) {
    ctx.log.warn('malformed supervision button refused');
    await ctx.answerCallbackQuery({ text: ctx.t('sup-refused-stale') });
    return;
  }
  if (press.kind === 'overdue') return overduePress(ctx, press);
  if (press.kind === 'request' && press.action === 'open') return openRequestPress(ctx, press.requestId);
  if (press.kind === 'request') return reassignChoicesPress(ctx, press.requestId, press.action === 'family');
  return assignPress(ctx, press);
}

/** A refused press: logged with ids only, and the reason in the button's notice. */
async function refusePress(ctx: BotContext, ids: Record<string, number>, refusal: SupervisionRefusal) {
  ctx.log.warn({ ...ids, reason: refusal.reason }, 'supervision button refused');
  await ctx.answerCallbackQuery({ text: refusalText(ctx, refusal) });
}

async function overduePress(ctx: PressInPrivate, press: Extract<SupervisionCallback, { kind: 'overdue' }>) {
  const found = await findViewer(ctx.deps.db, ctx.from.id, { allowObservers: false });
  if (!found.ok) {
    ctx.log.warn({ page: press.page, reason: found.reason }, 'supervision button refused');
    await ctx.answerCallbackQuery({ text: ctx.t('sup-refused-not-supervisor') });
    return;
  }
  const view = await overdueView(ctx, found.viewer, press.page);
  await ctx.answerCallbackQuery();
  if (press.fresh) await ctx.reply(view.text, view.keyboard ? { reply_markup: view.keyboard } : {});
  else await editOrReply(ctx, view.text, view.keyboard);
}

async function openRequestPress(ctx: PressInPrivate, requestId: number) {
  const opened = await openRequestForSupervisor(
    { db: ctx.deps.db, i18n: ctx.deps.i18n, timeZone: ctx.deps.config.timeZone },
    { telegramId: ctx.from.id, requestId },
  );
  if (!opened.ok) return refusePress(ctx, { requestId }, opened.refusal);
  ctx.log.info({ requestId }, 'request opened by supervisor');
  await ctx.answerCallbackQuery();
  const shown = await ctx.reply(opened.text, { reply_markup: opened.keyboard });
  const card = { requestId, staffId: opened.staffId, cardMessageId: shown.message_id };
  // A supervisor's Telegram reply to the card reaches the family, as a curator's does; the family's
  // files follow the card.
  await recordShownCard(ctx.deps.db, {
    ...card,
    chatId: ctx.chat.id,
    telegramMessageId: shown.message_id,
  });
  await sendFilesWithShownCard(ctx.deps.db, card);
}

async function reassignChoicesPress(ctx: PressInPrivate, requestId: number, family: boolean) {
  const choices = await reassignmentChoices(ctx.deps.db, { telegramId: ctx.from.id, requestId, family });
  if (!choices.ok) return refusePress(ctx, { requestId }, choices.refusal);
  await ctx.answerCallbackQuery();
  const number = String(choices.request.number);
  if (choices.curators.length === 0) {
    await ctx.reply(ctx.t('sup-reassign-nobody', { number }));
    return;
  }
  await ctx.reply(ctx.t(family ? 'sup-reassign-family-ask' : 'sup-reassign-ask', { number }), {
    reply_markup: curatorChoiceKeyboard(
      ctx.t,
      requestId,
      family ? 'fam' : 'to',
      // Someone away can still be chosen (they may be back soon); the button says until when.
      choices.curators.map((c) => ({
        ...c,
        awayUntil:
          c.awayUntil && c.awayUntil > new Date()
            ? formatRegionDate(c.awayUntil, ctx.deps.config.timeZone)
            : undefined,
      })),
    ),
  });
}

async function assignPress(ctx: PressInPrivate, press: Extract<SupervisionCallback, { kind: 'assign' }>) {
  const { requestId, staffId } = press;
  const input = { telegramId: ctx.from.id, requestId, toStaffId: staffId };
  let text: string;
  if (press.action === 'to') {
    const result = await reassignRequest(ctx.deps.db, input);
    if (!result.ok) return refusePress(ctx, { requestId }, result.refusal);
    ctx.log.info({ requestId, toStaffId: staffId, unchanged: result.unchanged }, 'request reassigned');
    text = ctx.t(result.unchanged ? 'sup-reassigned-already' : 'sup-reassigned', {
      number: String(result.number),
      curator: result.toName,
    });
  } else {
    const result = await reassignFamily(ctx.deps.db, input);
    if (!result.ok) return refusePress(ctx, { requestId }, result.refusal);
    ctx.log.info({ requestId, toStaffId: staffId, moved: result.requestNumbers.length }, 'family reassigned');
    text = ctx.t(result.unchanged ? 'sup-family-reassigned-already' : 'sup-family-reassigned', {
      curator: result.toName,
      requests: result.requestNumbers.map((n) => `№ ${n}`).join(', ') || '—',
    });
  }
  await ctx.answerCallbackQuery({ text });
  await editOrReply(ctx, text);
}

async function overdueView(ctx: BotContext, viewer: SupervisionViewer, requestedPage: number) {
  const now = new Date();
  let view = await overduePage(ctx.deps.db, viewer.scope, requestedPage, now);
  // A page that no longer exists (requests were taken meanwhile): show the last one.
  if (view.rows.length === 0 && view.page > 0)
    view = await overduePage(ctx.deps.db, viewer.scope, view.pages - 1, now);
  if (view.total === 0) return { text: ctx.t('sup-overdue-none'), keyboard: undefined };
  const text = [
    ctx.t('sup-overdue-title', { total: view.total, page: view.page + 1, pages: view.pages }),
    ...view.rows.map((row) => overdueLine(ctx.t, row, now)),
  ].join('\n\n');
  return { text, keyboard: overdueKeyboard(ctx.t, view.rows, view.page, view.pages) };
}

/**
 * `/export [period] [district] [category]`, in any order: the district and the category in Russian words
 * (the start of a word is enough where it is unambiguous) or by code; they must be in the viewer's scope.
 */
async function parseExportArgs(
  ctx: BotContext,
  viewer: SupervisionViewer,
  text: string,
  command: '/stats' | '/export' | '/silent',
): Promise<
  | { ok: true; period: StatsPeriod; filters: RegisterFilters }
  | { ok: false; key: string; args?: Record<string, string> }
> {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length > 8) return { ok: false, key: 'sup-export-usage' };
  const now = new Date();
  const timeZone = ctx.deps.config.timeZone;
  let period: StatsPeriod | undefined;
  const words: string[] = [];
  for (const token of tokens) {
    const asPeriod = period ? undefined : parsePeriod(token, now, timeZone);
    if (asPeriod) period = asPeriod;
    else words.push(token);
  }
  const filters: RegisterFilters = {};
  if (words.length > 0) {
    const choices = await filterChoices(ctx.deps.db);
    const districts = choices.districts;
    const categories = choices.categories.map((code) => ({ code, label: categoryLabel(ctx.t, code) }));
    const read = parseFilterWords(words, { districts, categories });
    if (!read.ok) {
      // What the viewer may name, so that the next try works.
      const mine = districts.filter((d) => scopeCovers(viewer.scope, d.id)).map((d) => d.name);
      const theirCategories = categories.filter((c) => categoryCovered(viewer.scope, c.code));
      return read.reason === 'ambiguous'
        ? {
            ok: false,
            key: 'sup-filter-ambiguous',
            args: { word: read.word, options: read.options.join('; ') },
          }
        : {
            ok: false,
            key: 'sup-filter-unknown',
            args: {
              command,
              word: read.word,
              districts: mine.join('; ') || '—',
              categories: theirCategories.map((c) => c.label).join('; '),
            },
          };
    }
    if (read.districtId !== undefined) {
      if (!scopeCovers(viewer.scope, read.districtId))
        return { ok: false, key: 'sup-export-district-out-of-scope' };
      filters.districtId = read.districtId;
    }
    if (read.category !== undefined) {
      if (!categoryCovered(viewer.scope, read.category))
        return { ok: false, key: 'sup-export-category-out-of-scope' };
      filters.category = read.category;
    }
  }
  return { ok: true, period: period ?? parsePeriod(undefined, now, timeZone)!, filters };
}
