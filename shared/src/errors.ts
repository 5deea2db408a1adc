import { GraphQLError } from 'graphql';

/**
 * Codes every service shares. Each service adds its own in its `errors.ts`; docs/errors.md lists
 * them all. A code is a contract with clients: never reuse one for a different meaning.
 */
export const CommonErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  CONFIG_INVALID: 'CONFIG_INVALID',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
} as const;

export type CommonErrorCode = (typeof CommonErrorCode)[keyof typeof CommonErrorCode];

/** An error that is safe to show to a client: its message and code were written for them. */
export class ClientError extends GraphQLError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'ClientError';
  }
}

export function unauthenticated(what = 'this field'): ClientError {
  return new ClientError(
    CommonErrorCode.UNAUTHENTICATED,
    `Reading ${what} needs a signed-in user: send "Authorization: Bearer <token>".`,
  );
}

export function forbidden(message: string): ClientError {
  return new ClientError(CommonErrorCode.FORBIDDEN, message);
}

export function notFound(kind: string, id: string): ClientError {
  return new ClientError(CommonErrorCode.NOT_FOUND, `No ${kind} has id "${id}".`, { id });
}

export function badUserInput(argument: string, message: string): ClientError {
  return new ClientError(CommonErrorCode.BAD_USER_INPUT, message, { argument });
}

/** Raised at start-up when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  readonly code = CommonErrorCode.CONFIG_INVALID;

  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Configuration ${variable} is invalid: ${detail}`);
    this.name = 'ConfigError';
  }
}
