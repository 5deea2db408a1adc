import type { Identity } from '#shared';
import type { Logger } from 'pino';

/** What the router knows of a request; the gateway's data sources read it for every fetch. */
export interface RouterContext {
  readonly requestId: string;
  readonly identity: Identity | undefined;
  readonly log: Logger;
}
