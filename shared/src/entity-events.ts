import type { EventBus } from './event-bus.js';

/** The bus channel on which subgraphs announce that entities they own have changed. */
export const ENTITY_CHANGED_CHANNEL = 'entity-changed';

/** One changed entity, named as the supergraph names it: `{ typename: 'Portfolio', id }`. */
export interface EntityChange {
  readonly typename: string;
  readonly id: string;
}

export interface EntityChangedMessage {
  readonly source: string;
  readonly changes: readonly EntityChange[];
}

/**
 * Tells every router that cached answers showing these entities are out of date. Call it after
 * the change has committed, for changes no router mutation carried (a job settling a fill, a
 * limit order matching on a tick); a lost message is covered by the routers' resync.
 */
export async function publishEntityChanges(
  events: EventBus,
  source: string,
  changes: readonly EntityChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const message: EntityChangedMessage = { source, changes };
  await events.publish(ENTITY_CHANGED_CHANNEL, message);
}

export function isEntityChangedMessage(value: unknown): value is EntityChangedMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { source, changes } = value as Partial<EntityChangedMessage>;
  return (
    typeof source === 'string' &&
    Array.isArray(changes) &&
    changes.every(
      (change: unknown) =>
        typeof change === 'object' &&
        change !== null &&
        typeof (change as EntityChange).typename === 'string' &&
        typeof (change as EntityChange).id === 'string',
    )
  );
}
