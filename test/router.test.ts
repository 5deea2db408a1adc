import { DEMO_USERS, portfolioId, userId } from '#demo';
import { DEV_IDENTITY_SECRET, IDENTITY_HEADER, createIdentitySigner } from '#shared';
import { postGraphQL, routerGraphQL, serviceUrl, tokenFor } from './stack.js';

const CROSS_SUBGRAPH = /* GraphQL */ `
  query Overview {
    me {
      username
      portfolios {
        name
        holdings {
          quantity
          instrument {
            name
            quote {
              price
            }
          }
        }
        orders {
          status
        }
      }
    }
  }
`;

interface Overview {
  me: {
    username: string;
    portfolios: {
      name: string;
      holdings: { quantity: string; instrument: { name: string; quote: { price: string } } }[];
      orders: { status: string }[];
    }[];
  };
}

let alice: string;

beforeAll(async () => {
  alice = await tokenFor('alice');
});

describe('one query across three subgraphs', () => {
  it('returns portfolios, instrument names, quote prices and order statuses', async () => {
    const { status, body } = await routerGraphQL<Overview>(CROSS_SUBGRAPH, {}, { token: alice });

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const me = body.data?.me;
    expect(me?.username).toBe('alice');
    expect(me?.portfolios.map((portfolio) => portfolio.name).sort()).toEqual([
      'Crypto',
      'Stocks & Shares ISA',
    ]);

    const isa = me?.portfolios.find((portfolio) => portfolio.name === 'Stocks & Shares ISA');
    const names = isa?.holdings.map((holding) => holding.instrument.name);
    expect(names).toEqual(expect.arrayContaining(['Apple Inc.', 'Vodafone Group Plc']));
    for (const holding of isa?.holdings ?? []) {
      expect(Number(holding.instrument.quote.price)).toBeGreaterThan(0);
    }
    const statuses = isa?.orders.map((order) => order.status);
    expect(statuses).toEqual(expect.arrayContaining(['FILLED', 'ACCEPTED']));
  });

  it('serves the same query over GET', async () => {
    const url = new URL(serviceUrl('router'));
    url.searchParams.set('query', '{ instrument(symbol: "VOD") { name exchange currency } }');
    const response = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { instrument: { name: 'Vodafone Group Plc', exchange: 'XLON', currency: 'GBP' } },
    });
  });
});

describe('ownership', () => {
  const bobsPortfolio = portfolioId(
    DEMO_USERS.find((user) => user.username === 'bob')?.portfolios[0]?.key ?? '',
  );

  it("refuses another user's portfolio", async () => {
    const { body } = await routerGraphQL(
      'query ($id: ID!) { portfolio(id: $id) { name cash { amount } } }',
      { id: bobsPortfolio },
      { token: alice },
    );

    expect(body.data?.portfolio).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lets the owner read the same portfolio', async () => {
    const bob = await tokenFor('bob');
    const { body } = await routerGraphQL<{ portfolio: { name: string } }>(
      'query ($id: ID!) { portfolio(id: $id) { name } }',
      { id: bobsPortfolio },
      { token: bob },
    );

    expect(body.errors).toBeUndefined();
    expect(body.data?.portfolio.name).toBe('Depot');
  });

  it('ignores an identity header sent by the client to the router', async () => {
    const forged = await createIdentitySigner({ secret: 'x'.repeat(40) })({ userId: 'bob' });
    const { body } = await routerGraphQL<{ me: { username: string } }>(
      '{ me { username } }',
      {},
      { token: alice, headers: { [IDENTITY_HEADER]: forged } },
    );
    expect(body.data?.me.username).toBe('alice');

    const anonymous = await routerGraphQL(
      '{ me { username } }',
      {},
      {
        headers: { [IDENTITY_HEADER]: forged },
      },
    );
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('ignores a forged identity header sent to a subgraph directly', async () => {
    const forged = await createIdentitySigner({ secret: 'not-the-internal-secret-at-all-00000' })({
      userId: userId('bob'),
    });
    const { body } = await postGraphQL<{ portfolio: { name: string } | null }>(
      serviceUrl('portfolio'),
      'query ($id: ID!) { portfolio(id: $id) { name } }',
      { id: bobsPortfolio },
      { headers: { [IDENTITY_HEADER]: forged } },
    );

    expect(body.data?.portfolio ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('internal operations', () => {
  it('are not part of the public graph', async () => {
    const { status, body } = await routerGraphQL(
      'mutation { releaseReservation(orderId: "00000000-0000-0000-0000-000000000000") }',
      {},
      { token: alice },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it("refuse a user's identity even when called on the subgraph directly", async () => {
    const asAlice = await createIdentitySigner({ secret: DEV_IDENTITY_SECRET })({
      userId: userId('alice'),
    });
    const { body } = await postGraphQL(
      serviceUrl('portfolio'),
      'mutation { releaseReservation(orderId: "00000000-0000-0000-0000-000000000000") }',
      {},
      { headers: { [IDENTITY_HEADER]: asAlice } },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('bad input at the router', () => {
  async function post(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(serviceUrl('router'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...headers,
      },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  it('answers malformed JSON with 400 and a coded error', async () => {
    const { status, body } = await post('{"query": "{ me { username } ');
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses a body over 1 MB with 413, and one of undeclared length with 411', async () => {
    const huge = JSON.stringify({ query: `{ __typename }${' '.repeat(1_100_000)}` });
    const tooLarge = await post(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.errors[0].extensions.code).toBe('BAD_REQUEST');

    const chunked = await fetch(serviceUrl('router'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: new Blob(['{"query":"{ __typename }"}']).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
  });

  it('answers an unknown field with 400 and GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, body } = await post(
      JSON.stringify({ query: '{ instrument(symbol: "AAPL") { colour } }' }),
    );
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toMatch(/colour/);
  });

  it('answers a syntax error with 400 and GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await post(JSON.stringify({ query: '{ instrument(symbol: ' }));
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers invalid variables with 400 and BAD_USER_INPUT', async () => {
    const { status, body } = await post(
      JSON.stringify({
        query: 'query ($first: Int!) { instruments(first: $first) { totalCount } }',
        variables: { first: 'ten' },
      }),
    );
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/\$first/);
  });

  it('answers a missing token on private data with UNAUTHENTICATED', async () => {
    const { status, body } = await post(JSON.stringify({ query: '{ me { username } }' }));
    expect(status).toBe(200);
    expect(body.data.me).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers a bad token with 401 and UNAUTHENTICATED', async () => {
    const tampered = `${alice.slice(0, -4)}AAAA`;
    for (const authorization of [`Bearer ${tampered}`, 'Bearer not-a-jwt', `Basic ${alice}`]) {
      const { status, body } = await post(JSON.stringify({ query: '{ me { username } }' }), {
        authorization,
      });
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers legacy application/json clients with 200, as the spec asks, same code', async () => {
    const { status, body } = await post(JSON.stringify({ query: '{ nope }' }), {
      accept: 'application/json',
    });
    expect(status).toBe(200);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a mutation over GET', async () => {
    const url = new URL(serviceUrl('router'));
    url.searchParams.set('query', 'mutation { cancelOrder(id: "x") { order { id } } }');
    const response = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
    expect(response.status).toBe(405);
  });

  it('keeps serving after all of the above', async () => {
    const { status, body } = await routerGraphQL<{ me: { username: string } }>(
      '{ me { username } }',
      {},
      { token: alice },
    );
    expect(status).toBe(200);
    expect(body.data?.me.username).toBe('alice');
  });
});
