import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';
import {
  MANIFEST_PATH,
  sha256,
  type PersistedQueryManifest,
} from '../scripts/persisted-operations.js';
import { startRouterProcess, type RouterProcess } from './router-process.js';
import { serviceUrl, tokenFor } from './stack.js';

const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as PersistedQueryManifest;
const idOf = (name: string) => {
  const operation = manifest.operations.find((candidate) => candidate.name === name);
  if (!operation) throw new Error(`${name} is not in the manifest`);
  return operation.id;
};

const SUMMARY = idOf('MobileMarketSummary');
const AD_HOC = '{ instruments(first: 2) { nodes { symbol } } }';

async function post(url: string, body: Record<string, unknown>, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function get(url: string, params: Record<string, string>) {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  const response = await fetch(target, {
    headers: { accept: 'application/graphql-response+json' },
  });
  return { status: response.status, body: await response.json() };
}

describe('persisted operations (development mode)', () => {
  const url = () => serviceUrl('router');

  it('runs a manifest operation by its id', async () => {
    const bob = await tokenFor('bob');
    const { status, body } = await post(url(), { documentId: idOf('MobileHome') }, bob);
    expect(status).toBe(200);
    expect(body.data.me.portfolios[0].name).toBe('Depot');
  });

  it('runs a manifest operation by APQ hash, over POST and over GET', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: SUMMARY } };
    const viaPost = await post(url(), { extensions });
    expect(viaPost.body.data.marketSummary.headline).toMatch(/instruments up/);

    const viaGet = await get(url(), { extensions: JSON.stringify(extensions) });
    expect(viaGet.status).toBe(200);
    expect(viaGet.body).toEqual(viaPost.body);

    const byDocumentId = await get(url(), { documentId: `sha256:${SUMMARY}` });
    expect(byDocumentId.body).toEqual(viaPost.body);
  });

  it('answers an unknown hash with PersistedQueryNotFound, then registers and serves', async () => {
    const query = `{ instrument(symbol: "KO") { name } } # ${Date.now()}`;
    const hash = sha256(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };

    const miss = await post(url(), { extensions });
    expect(miss.body.errors[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });

    const register = await post(url(), { query, extensions });
    expect(register.body.data.instrument.name).toBe('The Coca-Cola Company');

    const hit = await post(url(), { extensions });
    expect(hit.body).toEqual(register.body);
  });

  it('refuses a query that does not match its hash, and malformed extensions', async () => {
    const mismatch = await post(url(), {
      query: AD_HOC,
      extensions: { persistedQuery: { version: 1, sha256Hash: SUMMARY } },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');

    for (const persistedQuery of [{ version: 2, sha256Hash: SUMMARY }, { version: 1 }, 'x']) {
      const malformed = await post(url(), { extensions: { persistedQuery } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_INVALID');
    }

    const badId = await post(url(), { documentId: 'not-a-hash' });
    expect(badId.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_INVALID');
  });

  it("works with Apollo Client's persisted-queries link", async () => {
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: url(), fetch })),
    });
    const result = await client.query({
      query: gql`
        query ClientProbe {
          instrument(symbol: "SAP") {
            name
            currency
          }
        }
      `,
    });
    expect(result.data).toEqual({
      instrument: { __typename: 'Instrument', name: 'SAP SE', currency: 'EUR' },
    });
  });
});

describe('persisted operations in production (safelist)', () => {
  let router: RouterProcess;
  let manifestPath: string;

  beforeAll(async () => {
    manifestPath = path.join(mkdtempSync(path.join(tmpdir(), 'moneta-manifest-')), 'manifest.json');
    copyFileSync(MANIFEST_PATH, manifestPath);
    router = await startRouterProcess({
      PERSISTED_OPERATIONS: 'safelist',
      PERSISTED_MANIFEST_PATH: manifestPath,
    });
  }, 90_000);

  afterAll(async () => {
    await router?.stop();
  });

  it('refuses an ad-hoc query with a coded error', async () => {
    const { status, body } = await post(router.url, { query: AD_HOC });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('OPERATION_NOT_IN_SAFELIST');
  });

  it('refuses registering a new operation', async () => {
    const { body } = await post(router.url, {
      query: AD_HOC,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(AD_HOC) } },
    });
    expect(body.errors[0].extensions.code).toBe('OPERATION_NOT_IN_SAFELIST');
  });

  it('serves manifest operations by id, by hash and by their exact text', async () => {
    const byId = await post(router.url, { documentId: SUMMARY });
    expect(byId.body.data.marketSummary.headline).toEqual(expect.any(String));

    const body = manifest.operations.find((operation) => operation.id === SUMMARY)?.body;
    const byText = await post(router.url, { query: body });
    expect(byText.body.data).toEqual(byId.body.data);
  });

  it("serves Apollo Client's link when it sends manifest ids", async () => {
    const ids = new Map(manifest.operations.map((operation) => [operation.name, operation.id]));
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new PersistedQueryLink({
        generateHash: (document) => {
          const name = document.definitions.find((node) => node.kind === 'OperationDefinition');
          return ids.get((name as { name?: { value: string } }).name?.value ?? '') ?? '';
        },
      }).concat(new HttpLink({ uri: router.url, fetch })),
    });
    const operation = manifest.operations.find(
      (candidate) => candidate.name === 'MobileMarketSummary',
    );
    const result = await client.query({
      query: gql(operation?.body ?? ''),
      fetchPolicy: 'no-cache',
    });
    expect((result.data as { marketSummary: { headline: string } }).marketSummary.headline).toMatch(
      /instruments up/,
    );
  });

  it('picks up a changed manifest without a restart', async () => {
    const query = 'query NewlyShipped { instrument(symbol: "JNJ") { name } }';
    const refused = await post(router.url, { query });
    expect(refused.body.errors[0].extensions.code).toBe('OPERATION_NOT_IN_SAFELIST');

    const updated: PersistedQueryManifest = {
      ...manifest,
      operations: [
        ...manifest.operations,
        {
          id: sha256(print(gql(query))),
          name: 'NewlyShipped',
          type: 'query',
          body: print(gql(query)),
        },
      ],
    };
    writeFileSync(manifestPath, JSON.stringify(updated));

    const served = await (async () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const result = await post(router.url, { documentId: sha256(print(gql(query))) });
        if (result.body.data) return result.body;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the new manifest was not picked up');
    })();
    expect(served.data.instrument.name).toBe('Johnson & Johnson');
  });
});

describe('persisted operations in log-only mode', () => {
  it('serves an ad-hoc query and logs it as outside the manifest', async () => {
    const router = await startRouterProcess({ PERSISTED_OPERATIONS: 'log-only' });
    try {
      const { body } = await post(router.url, { query: AD_HOC, operationName: null });
      expect(body.data.instruments.nodes).toHaveLength(2);
      expect(router.output()).toMatch(/operation outside the manifest/);
    } finally {
      await router.stop();
    }
  }, 90_000);
});

describe('APQ registrations with Redis', () => {
  const withRedis = process.env.REDIS_URL ? it : it.skip;

  withRedis(
    'are shared by every router instance',
    async () => {
      const other = await startRouterProcess({ PERSISTED_OPERATIONS: 'allow-all' });
      try {
        const query = `{ instrument(symbol: "DGE") { name } } # ${Date.now()}`;
        const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
        await post(serviceUrl('router'), { query, extensions });

        const hit = await post(other.url, { extensions });
        expect(hit.body.data.instrument.name).toBe('Diageo plc');
      } finally {
        await other.stop();
      }
    },
    90_000,
  );
});
