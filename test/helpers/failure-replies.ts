import { languages } from '../../src/db/schema/enums.js';
import { createI18n } from '../../src/i18n.js';
import type { createEmulator } from '../../src/sandbox/emulator.js';

type Emulator = ReturnType<typeof createEmulator>;

/**
 * Watches every chat for the bot's failure replies (the generic error, «ваш ответ не получилось
 * обработать»): a failure a test did not mean to cause is a bug even when the test's own assertions pass.
 * `check()` throws if any chat got one, with `recentLogs()` (the roles' last warnings and errors) to say
 * why; call it when the file ends.
 */
export function watchForFailureReplies(emulator: Emulator, recentLogs: () => string[] = () => []) {
  const i18n = createI18n();
  const texts = new Set(
    languages.flatMap((language) => {
      const t = i18n.forLanguage(language);
      return [t('error-generic'), t('dialogue-failed-ask-again')];
    }),
  );
  const seen: string[] = [];
  const off = emulator.onEvent((event) => {
    if (event.type === 'message' && event.message.from?.is_bot && texts.has(event.message.text ?? '')) {
      seen.push(`chat ${event.chatId}: «${event.message.text}»`);
    }
  });
  return {
    /** Stops watching; throws if any chat got a failure reply. */
    check() {
      off();
      if (seen.length === 0) return;
      // The roles' last warnings and errors say why (the logger keeps no personal data).
      const logs = recentLogs();
      const why = logs.length > 0 ? `\nthe roles' last warnings and errors:\n${logs.join('\n')}` : '';
      throw new Error(`the bot answered with a failure reply: ${seen.join('; ')}${why}`);
    },
  };
}
