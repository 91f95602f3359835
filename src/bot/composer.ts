import {
  type Context,
  Composer as GrammyComposer,
  type Middleware,
  type MiddlewareFn,
  type NextFunction,
} from 'grammy';

type MaybePromise<T> = T | Promise<T>;

/** One registered piece: a middleware, run only when its filter says so (if it has one). */
interface Step<C extends Context> {
  when?: (ctx: C) => MaybePromise<unknown>;
  run: MiddlewareFn<C>;
}

/** A middleware object (a composer) asked for its handler each time, as grammY does: it may still grow. */
function flatten<C extends Context>(middleware: Middleware<C>): MiddlewareFn<C> {
  return typeof middleware === 'function' ? middleware : (ctx, next) => middleware.middleware()(ctx, next);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

/** Steps `from` onwards for one update: the ones whose filter says no are passed over in this loop. */
function runFrom<C extends Context>(
  steps: readonly Step<C>[],
  from: number,
  ctx: C,
  next: NextFunction,
): Promise<void> {
  try {
    for (let i = from; i < steps.length; i += 1) {
      const { when } = steps[i]!;
      if (!when) return runStep(steps, i, ctx, next);
      const verdict = when(ctx);
      if (isThenable(verdict)) {
        const at = i;
        return Promise.resolve(verdict).then((yes) =>
          yes ? runStep(steps, at, ctx, next) : runFrom(steps, at + 1, ctx, next),
        );
      }
      if (verdict) return runStep(steps, i, ctx, next);
    }
    return Promise.resolve(next());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The step's middleware, its `next` the steps after it (once, as grammY allows). */
function runStep<C extends Context>(
  steps: readonly Step<C>[],
  at: number,
  ctx: C,
  next: NextFunction,
): Promise<void> {
  let nextCalled = false;
  const onward = () => {
    if (nextCalled) return Promise.reject(new Error('`next` already called before!'));
    nextCalled = true;
    return runFrom(steps, at + 1, ctx, next);
  };
  // What the middleware resolves to is nobody's business, as in grammY (which awaits it).
  return Promise.resolve(steps[at]!.run(ctx, onward)) as Promise<void>;
}

/**
 * grammY's Composer with filters decided in one loop. grammY builds `filter` (and so `on`, `command`,
 * `hears`, `callbackQuery`, `chatType`, `drop`) as a `lazy` middleware that makes a new Composer for every
 * handler on every update, and chains every `use` through a new closure per update: about a quarter of what
 * the bot allocated per update (BENCHMARKS.md, intake). Here each composer keeps a list of steps, each a
 * middleware with an optional filter; an update goes through the list, passing over the steps whose filter
 * says no without allocating, and a step's `next` runs the steps after it. The behaviour is grammY's
 * (composer.test.ts runs the same registrations through both): order of registration, `next()` at most
 * once, asynchronous and truthy filters, a composer returned by `filter` or `use` that grows later. Every
 * other method (`errorBoundary`, `fork`, `lazy`, `branch`, `route`) is grammY's, built on these two.
 */
export class Composer<C extends Context> extends GrammyComposer<C> {
  readonly #steps: Step<C>[];
  readonly #handler: MiddlewareFn<C>;

  constructor(...middleware: Middleware<C>[]) {
    super();
    const steps: Step<C>[] = middleware.map((piece) => ({ run: flatten(piece) }));
    this.#steps = steps;
    this.#handler = (ctx, next) => runFrom(steps, 0, ctx, next);
  }

  override middleware(): MiddlewareFn<C> {
    return this.#handler;
  }

  override use(...middleware: Middleware<C>[]): Composer<C> {
    const composer = new Composer<C>(...middleware);
    this.#steps.push({ run: composer.middleware() });
    return composer;
  }

  override filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Middleware<D>[]): Composer<D>;
  override filter(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C>;
  override filter(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C> {
    const composer = new Composer<C>(...middleware);
    this.#steps.push({ when: predicate, run: composer.middleware() });
    return composer;
  }
}
