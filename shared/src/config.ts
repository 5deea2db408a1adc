import { z } from 'zod';
import { ConfigError } from './errors.js';

export type Environment = Record<string, string | undefined>;

/** A boolean environment variable: `true`/`1`/`yes` or `false`/`0`/`no`. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

export const envPort = (fallback: number) =>
  z.coerce.number().int().min(0).max(65_535).default(fallback);

export const envInt = (fallback: number, min = 0) =>
  z.coerce.number().int().min(min).default(fallback);

export const envUrl = () =>
  z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.url().optional());

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

/**
 * Validates the environment against a schema of variable names, once, at start-up. The first
 * problem found is thrown as a ConfigError naming the variable, and the result is frozen so that
 * no code changes configuration at run time.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Environment = process.env,
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'unknown problem');
  }
  return Object.freeze(result.data);
}

/** Development-only secrets are refused in production, where a real one must be set. */
export function requireSecretInProduction(
  env: string,
  variable: string,
  value: string,
  devDefault: string,
): void {
  if (env === 'production' && value === devDefault) {
    throw new ConfigError(variable, 'must be set to a real secret when NODE_ENV=production');
  }
}
