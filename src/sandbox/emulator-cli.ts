/**
 * Runs the Bot API emulator standalone:
 *   tsx src/sandbox/emulator-cli.ts --port 8081 --token 123:ABC [--limits] [--host 127.0.0.1]
 *     [--limits-global 30] [--limits-per-chat 1] [--limits-burst 5] [--bot-username name] [--verbose]
 * Without --token, any bot token is accepted. Prints the API root on the first line of stdout and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { telegramRateLimits } from './emulator/types.js';
import { createEmulator } from './emulator.js';

const USAGE =
  'usage: emulator-cli [--token <token>] [--port 8081] [--host 127.0.0.1] [--limits] ' +
  '[--limits-global 30] [--limits-per-chat 1] [--limits-burst 5] [--bot-username name] [--verbose]';

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      token: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      limits: { type: 'boolean', default: false },
      'limits-global': { type: 'string' },
      'limits-per-chat': { type: 'string' },
      'limits-burst': { type: 'string' },
      'bot-username': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.token) console.error('no --token given: accepting requests with any bot token');
  const limitsRequested =
    values.limits ||
    values['limits-global'] !== undefined ||
    values['limits-per-chat'] !== undefined ||
    values['limits-burst'] !== undefined;
  const emulator = createEmulator({
    token: values.token ?? 'any',
    acceptAnyToken: !values.token,
    port: positiveInteger('port', values.port, 8081),
    ...(values.host ? { host: values.host } : {}),
    ...(values['bot-username'] ? { botUsername: values['bot-username'] } : {}),
    limits: limitsRequested
      ? {
          ...telegramRateLimits,
          global: positiveInteger('limits-global', values['limits-global'], telegramRateLimits.global),
          perChat: positiveInteger('limits-per-chat', values['limits-per-chat'], telegramRateLimits.perChat),
          perChatBurst: positiveInteger(
            'limits-burst',
            values['limits-burst'],
            telegramRateLimits.perChatBurst ?? 1,
          ),
        }
      : false,
  });
  await emulator.start();
  console.log(emulator.apiRoot);
  if (values.verbose) {
    emulator.onEvent((event) => {
      const text = event.message?.text ?? event.message?.caption ?? '';
      console.error(`[${event.type}] chat ${event.chatId} #${event.message?.message_id ?? '-'} ${text}`);
    });
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal} received, stopping the emulator`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
