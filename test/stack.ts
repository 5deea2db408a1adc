import { DEV_JWT_SECRET } from '../router/src/config.js';
import { createDevToken } from '../scripts/dev-token.js';
import { openSchema } from './database.js';
import type { Knex } from '#shared';

export type Service = 'router' | 'portfolio' | 'trading' | 'market' | 'advice';

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: {
      message: string;
      path?: (string | number)[];
      extensions?: Record<string, unknown>;
    }[];
  };
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  accept?: string;
}

/** The URL of a service of the run's stack (started once by test/global-setup.js). */
export function serviceUrl(service: Service): string {
  const url = process.env[`TEST_${service.toUpperCase()}_URL`];
  if (!url) throw new Error(`TEST_${service.toUpperCase()}_URL is not set: run tests via jest.`);
  return url;
}

/** POSTs a GraphQL request and returns status, headers and the parsed body. */
export async function postGraphQL<Data = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResult<Data>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: options.accept ?? 'application/graphql-response+json',
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A GraphQL request through the router, as a client would send it. */
export function routerGraphQL<Data = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResult<Data>> {
  return postGraphQL<Data>(serviceUrl('router'), query, variables, options);
}

export function tokenFor(username: string): Promise<string> {
  return createDevToken(username, DEV_JWT_SECRET);
}

/** Direct access to a subgraph's schema, for assertions on what was stored. Destroy it after. */
export function openTestSchema(schema: 'portfolio' | 'trading' | 'market' | 'advice'): Knex {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests via jest.');
  return openSchema(url, schema);
}
