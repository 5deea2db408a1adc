import path from 'node:path';
import { ConfigError, createIdentitySigner, createLogger, createShutdown } from '#shared';
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
  const server = await startRouterServer({
    gateway,
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
