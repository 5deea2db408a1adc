import type { EventBus } from './event-bus.js';

export interface EventQueueOptions<T> {
  /** Events kept for a consumer that is not pulling; the oldest go first. Default 1 000. */
  maxBuffered?: number;
  /** Runs once when the consumer stops (return(), throw()) or the queue ends. */
  onClose?: () => void;
  /**
   * Runs as each event is handed to the consumer, just before it is executed: the place to
   * clear per-operation DataLoader caches, so that a long subscription never reads stale rows.
   */
  onDeliver?: (value: T) => void;
}

export interface EventQueue<T> {
  push(value: T): void;
  /** Ends the stream after what is buffered; with an error, the consumer's next pull throws. */
  end(error?: unknown): void;
  readonly iterator: AsyncIterableIterator<T>;
}

/**
 * Turns pushed events into the async iterator a GraphQL subscription resolver returns. The
 * buffer is bounded so a stalled consumer cannot grow memory without limit, and `return()`
 * (graphql-ws calls it on complete and on socket close) releases whatever the producer holds.
 */
export function createEventQueue<T>(options: EventQueueOptions<T> = {}): EventQueue<T> {
  const maxBuffered = options.maxBuffered ?? 1_000;
  const buffer: T[] = [];
  const waiting: { resolve: (result: IteratorResult<T>) => void; reject: (e: unknown) => void }[] =
    [];
  let failure: { error: unknown } | undefined;
  let done = false;

  function close() {
    if (done) return;
    done = true;
    options.onClose?.();
  }

  function deliver(value: T): IteratorResult<T> {
    options.onDeliver?.(value);
    return { value, done: false };
  }

  function stop(): IteratorResult<T> {
    buffer.length = 0;
    close();
    for (const consumer of waiting.splice(0)) consumer.resolve({ value: undefined, done: true });
    return { value: undefined, done: true };
  }

  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() {
      return iterator;
    },

    next() {
      if (buffer.length > 0) return Promise.resolve(deliver(buffer.shift() as T));
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },

    async return() {
      return stop();
    },

    async throw(error?: unknown) {
      stop();
      throw error;
    },
  };

  return {
    iterator,

    push(value) {
      if (done) return;
      const consumer = waiting.shift();
      if (consumer) return consumer.resolve(deliver(value));
      buffer.push(value);
      if (buffer.length > maxBuffered) buffer.shift();
    },

    end(error) {
      if (done) return;
      close();
      const consumers = waiting.splice(0);
      if (error !== undefined) {
        // Only a consumer already waiting has nothing buffered before the failure.
        const first = consumers.shift();
        if (first) first.reject(error);
        else failure = { error };
      }
      for (const consumer of consumers) consumer.resolve({ value: undefined, done: true });
    },
  };
}

/**
 * The events `select` draws from each message of one bus channel (none, one or many per
 * message), as an async iterator. The channel handler is removed as soon as the consumer stops.
 */
export function channelEvents<T>(
  events: EventBus,
  channel: string,
  select: (message: unknown) => readonly T[],
  options: Omit<EventQueueOptions<T>, 'onClose'> = {},
): AsyncIterableIterator<T> {
  let unsubscribe = () => {};
  const queue = createEventQueue<T>({ ...options, onClose: () => unsubscribe() });
  unsubscribe = events.subscribe(channel, (message) => {
    for (const value of select(message)) queue.push(value);
  });
  return queue.iterator;
}

/** Empties every DataLoader cache of a context's loaders; see `onDeliver`. */
export function clearLoaders(loaders: Record<string, { clearAll(): unknown }>): void {
  for (const loader of Object.values(loaders)) loader.clearAll();
}
