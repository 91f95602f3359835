import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';

/** «Settings» (filled in by the next commit). */
export function createSettingsComposer() {
  const composer = new Composer<BotContext>();
  return composer;
}
