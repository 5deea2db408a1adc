import { readFileSync } from 'node:fs';
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
import { followEntityEvents } from './cache/events.js';
import { createResponseStore } from './cache/store.js';
import {
  loadRouterConfig,
  subgraphUrlOverrides,
  subgraphUrls,
  type RouterConfig,
} from './config.js';
import { createGateway } from './gateway.js';
import { createRouterMetrics } from './metrics.js';
import { startRouterServer } from './server.js';
import { createSubgraphAgent, type SubgraphSource } from './subgraph-source.js';
import { createFederatedSubscriptions } from './subscriptions/federated.js';
import { UpstreamSubscriptions } from './subscriptions/upstream.js';
import { cachePolicy } from './cache/policy.js';

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
  const metrics = createRouterMetrics();
  const signIdentity = createIdentitySigner({ secret: config.INTERNAL_IDENTITY_SECRET });
  const supergraphPath = path.resolve(config.SUPERGRAPH_PATH);
  const agent = createSubgraphAgent();
  shutdown.add('subgraph connections', () => agent.close());
  const sources = new Map<string, SubgraphSource>();
  const urls = subgraphUrls(config, readFileSync(supergraphPath, 'utf8'));
  const gateway = createGateway({
    supergraphPath,
    urlOverrides: subgraphUrlOverrides(config),
    signIdentity,
    logger,
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    metrics,
    agent,
    sources,
  });
  const upstream = new UpstreamSubscriptions(urls, logger);
  shutdown.add('upstream subscriptions', () => upstream.close());
  const subscriptions = createFederatedSubscriptions({
    gateway,
    sources,
    upstream,
    signIdentity,
    policy: cachePolicy,
    logger,
    metrics,
  });
  const manifest = loadManifest(path.resolve(config.PERSISTED_MANIFEST_PATH), logger);
  shutdown.add('manifest watch', () => manifest.close());
  const registrations = createCache({
    redisUrl: config.REDIS_URL,
    prefix: `${config.REDIS_PREFIX}router:`,
    logger,
  });
  shutdown.add('registrations', () => registrations.close());

  let responseCache;
  if (config.RESPONSE_CACHE === 'on') {
    const store = createResponseStore({
      redisUrl: config.REDIS_URL,
      logger,
      maxBytes: config.RESPONSE_CACHE_MAX_MB * 1024 * 1024,
      sharedTypes: cachePolicy.publicTypes,
      prefix: `${config.REDIS_PREFIX}rc:`,
    });
    shutdown.add('response cache', () => store.close());
    const follower = followEntityEvents({
      subgraphs: urls,
      signIdentity,
      store,
      metrics,
      logger,
    });
    shutdown.add('entity events', async () => follower.close());
    responseCache = store;
  }

  const server = await startRouterServer({
    gateway,
    persisted: { mode: config.PERSISTED_OPERATIONS, manifest, registrations, logger },
    responseCache,
    metrics,
    subscriptions,
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
