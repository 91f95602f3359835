import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';

type Argument = string | number;
type ScriptCommand = (...args: Argument[]) => unknown;

/**
 * A Lua script for a Redis client. `run` sends it as `EVALSHA`, with its text (`EVAL`) only when Redis does
 * not know it yet (first use, or Redis restarted). `define`/`queue` make it a command of the client (ioredis
 * `defineCommand`) so that it can ride in a transaction made from that client afterwards, one round trip
 * with other commands. `name` must be unique among the scripts of a client.
 *
 * `run` does not go through the defined command: with `enableAutoPipelining` (container.ts) ioredis puts a
 * call into the pipeline it is already filling for this turn of the event loop, and a pipeline made before
 * the script was defined lacks the command; the call then breaks that pipeline's bookkeeping and its reply
 * throws an uncaught TypeError that ends the process (the bot dropped the updates in hand with it).
 * `EVALSHA`/`EVAL` are built-in commands every pipeline has.
 */
export function redisScript<Result>(name: string, numberOfKeys: number, lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex');
  const commandOf = (client: Redis | ChainableCommander) =>
    (client as unknown as Record<string, ScriptCommand | undefined>)[name];
  /** Makes it a command of this client; transactions made from the client afterwards carry it too. */
  const define = (redis: Redis) => {
    if (!commandOf(redis)) redis.defineCommand(name, { numberOfKeys, lua });
  };
  const isUnknown = (error: unknown) => error instanceof Error && error.message.startsWith('NOSCRIPT');
  return {
    define,
    /** Whether a call failed because Redis does not know the script (run it again with `run`). */
    isUnknown,
    async run(redis: Redis, ...args: Argument[]): Promise<Result> {
      try {
        return (await redis.evalsha(sha, numberOfKeys, ...args)) as Result;
      } catch (error) {
        if (!isUnknown(error)) throw error;
        return (await redis.eval(lua, numberOfKeys, ...args)) as Result;
      }
    },
    /**
     * Adds it to a pipeline by its sha (`EVALSHA`, a built-in command); a reply that `isUnknown` is to be
     * run again with `run`.
     */
    pipe(pipeline: ChainableCommander, ...args: Argument[]): ChainableCommander {
      return pipeline.evalsha(sha, numberOfKeys, ...args);
    },
    /** Adds it to a pipeline or transaction (of a client it was defined on before the transaction was made). */
    queue(transaction: ChainableCommander, ...args: Argument[]): ChainableCommander {
      const command = commandOf(transaction);
      if (!command) throw new Error(`Redis script ${name} is not defined on this transaction's client`);
      return command.apply(transaction, args) as ChainableCommander;
    },
  };
}
