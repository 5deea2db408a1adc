import path from 'node:path';
import {
  ConfigError,
  createCache,
  createIdentitySigner,
  createLogger,
  createShutdown,
} from '#shared';
import { loadManifest } from './persisted/manifest.js';
import { createAuthenticator } from './auth.js';
import { loadRouterConfig, subgraphUrlOverrides, type RouterConfig } from './config.js';
import { createGateway } from './gateway.js';
import { startRouterServer } from './server.js';

let config: RouterConfig;
try {
  config = loadRouterConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${JSON.stringify({ code: error.code, message: error.message })}\n`);
  process.exit(78);
}

const logger = createLogger({ service: 'router', level: config.LOG_LEVEL });
const shutdown = createShutdown({ logger });
shutdown.installSignalHandlers();

try {
  const gateway = createGateway({
    supergraphPath: path.resolve(config.SUPERGRAPH_PATH),
    urlOverrides: subgraphUrlOverrides(config),
    signIdentity: createIdentitySigner({ secret: config.INTERNAL_IDENTITY_SECRET }),
    logger,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
  });
  const manifest = loadManifest(path.resolve(config.PERSISTED_MANIFEST_PATH), logger);
  shutdown.add('manifest watch', () => manifest.close());
  const registrations = createCache({
    redisUrl: config.REDIS_URL,
    prefix: 'moneta:router:',
    logger,
  });
  shutdown.add('registrations', () => registrations.close());

  const server = await startRouterServer({
    gateway,
    persisted: { mode: config.PERSISTED_OPERATIONS, manifest, registrations, logger },
    logger,
    port: config.ROUTER_PORT,
    host: config.HOST,
    maskErrors: config.NODE_ENV === 'production',
    authenticate: createAuthenticator({
      secret: config.JWT_SECRET,
      jwksUrl: config.JWKS_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    }),
  });
  shutdown.add('http server', () => server.close());
  logger.info({ url: server.url }, 'router ready');
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  await shutdown.trigger('start-up failed', 1);
}
