import { Composer } from 'grammy';
import type { BotContext } from '../../bot/context.js';

/** «Passport» (filled in by the next commit). */
export function createPassportComposer() {
  const composer = new Composer<BotContext>();
  return composer;
}
