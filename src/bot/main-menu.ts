import { Keyboard } from 'grammy';
import { languages } from '../db/schema/enums.js';
import type { I18n, Translate } from '../i18n.js';

/** The six main-menu buttons, in the order they are shown. */
export const menuButtons = [
  'need_help',
  'my_requests',
  'write_curator',
  'passport',
  'support_measures',
  'settings',
] as const;
export type MenuButton = (typeof menuButtons)[number];

const labelKeys: Record<MenuButton, string> = {
  need_help: 'menu-need-help',
  my_requests: 'menu-my-requests',
  write_curator: 'menu-write-curator',
  passport: 'menu-passport',
  support_measures: 'menu-support-measures',
  settings: 'menu-settings',
};

/** The persistent main-menu reply keyboard in the person's language. */
export function mainMenuKeyboard(t: Translate): Keyboard {
  return new Keyboard()
    .text(t(labelKeys.need_help))
    .text(t(labelKeys.my_requests))
    .row()
    .text(t(labelKeys.write_curator))
    .text(t(labelKeys.passport))
    .row()
    .text(t(labelKeys.support_measures))
    .text(t(labelKeys.settings))
    .resized()
    .persistent();
}

/**
 * Which main-menu button a text is, in either language (a person may switch language while an old
 * keyboard is still on screen). `undefined` for any other text.
 */
export function menuButtonOfText(i18n: I18n, text: string | undefined): MenuButton | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  for (const button of menuButtons) {
    for (const language of languages) {
      if (i18n.t(language, labelKeys[button]) === trimmed) return button;
    }
  }
  return undefined;
}

/** Which main-menu button this update is a press of, if any: `composer.filter((ctx) => menuButton(ctx) === 'my_requests')`. */
export function menuButton(ctx: {
  deps: { i18n: I18n };
  message?: { text?: string } | undefined;
}): MenuButton | undefined {
  return menuButtonOfText(ctx.deps.i18n, ctx.message?.text);
}
