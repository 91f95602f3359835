import type { Context } from 'grammy';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Language } from '../db/schema/enums.js';
import type { Translate } from '../i18n.js';
import type { Logger } from '../logger.js';

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
}

export interface ContextExtras {
  deps: BotDeps;
  /** A child logger tagged with the update id. */
  log: Logger;
  language: Language;
  t: Translate;
}

export type BotContext = Context & ContextExtras;
