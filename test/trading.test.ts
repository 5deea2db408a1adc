import { DEMO_USERS, instrumentId, portfolioId } from '#demo';
import { randomUUID } from 'node:crypto';
import type { Knex } from '#shared';
import { openTestSchema, routerGraphQL, tokenFor } from './stack.js';

const PLACE = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        status
        side
        type
        quantity
        limitPrice
        acceptedAt
        instrument {
          symbol
        }
        portfolio {
          name
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!) {
    cancelOrder(id: $id) {
      order {
        id
        status
        cancelledAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

interface Placed {
  placeOrder: {
    order: {
      id: string;
      status: string;
      quantity: string;
      limitPrice: string | null;
      acceptedAt: string;
      instrument: { symbol: string };
      portfolio: { name: string };
    } | null;
    userErrors: { code: string; field: string[]; message: string }[];
  };
}

const carolsPortfolio = portfolioId(
  DEMO_USERS.find((user) => user.username === 'carol')?.portfolios[0]?.key ?? '',
);
const alicesPortfolio = portfolioId('alice-isa');

let carol: string;
let db: Knex;

async function orderCount(): Promise<number> {
  const [row] = await db('orders').where('portfolio_id', carolsPortfolio).count({ count: '*' });
  return Number(row?.count);
}

beforeAll(async () => {
  carol = await tokenFor('carol');
  db = openTestSchema('trading');
});

afterAll(async () => {
  await db.destroy();
});

describe('placeOrder', () => {
  it('accepts a valid limit order and returns it across subgraphs', async () => {
    const { body } = await routerGraphQL<Placed>(
      PLACE,
      {
        input: {
          portfolioId: carolsPortfolio,
          instrumentId: instrumentId('AZN'),
          side: 'BUY',
          type: 'LIMIT',
          quantity: '2.5',
          limitPrice: '101.25',
        },
      },
      { token: carol },
    );

    expect(body.errors).toBeUndefined();
    expect(body.data?.placeOrder.userErrors).toEqual([]);
    expect(body.data?.placeOrder.order).toMatchObject({
      status: 'ACCEPTED',
      quantity: '2.5',
      limitPrice: '101.25',
      instrument: { symbol: 'AZN' },
      portfolio: { name: 'SIPP' },
    });
  });

  it.each([
    ['a zero quantity', { quantity: '0' }, 'INVALID_QUANTITY', ['input', 'quantity']],
    ['a negative quantity', { quantity: '-3' }, 'INVALID_QUANTITY', ['input', 'quantity']],
    ['a huge quantity', { quantity: '1000000000000' }, 'INVALID_QUANTITY', ['input', 'quantity']],
    ['too many decimals', { quantity: '1.000000001' }, 'INVALID_QUANTITY', ['input', 'quantity']],
    [
      'a limit order without price',
      { type: 'LIMIT' },
      'LIMIT_PRICE_REQUIRED',
      ['input', 'limitPrice'],
    ],
    [
      'an unknown instrument',
      { instrumentId: randomUUID() },
      'UNKNOWN_INSTRUMENT',
      ['input', 'instrumentId'],
    ],
    [
      'a malformed instrument id',
      { instrumentId: 'AAPL' },
      'UNKNOWN_INSTRUMENT',
      ['input', 'instrumentId'],
    ],
    [
      'an unknown portfolio',
      { portfolioId: randomUUID() },
      'UNKNOWN_PORTFOLIO',
      ['input', 'portfolioId'],
    ],
    [
      "another user's portfolio",
      { portfolioId: alicesPortfolio },
      'PORTFOLIO_FORBIDDEN',
      ['input', 'portfolioId'],
    ],
  ])('refuses %s with a typed error and stores nothing', async (_title, change, code, field) => {
    const before = await orderCount();
    const { body } = await routerGraphQL<Placed>(
      PLACE,
      {
        input: {
          portfolioId: carolsPortfolio,
          instrumentId: instrumentId('SHEL'),
          side: 'BUY',
          type: 'MARKET',
          quantity: '1',
          ...change,
        },
      },
      { token: carol },
    );

    expect(body.errors).toBeUndefined();
    expect(body.data?.placeOrder.order).toBeNull();
    expect(body.data?.placeOrder.userErrors).toEqual([
      expect.objectContaining({ code, field, message: expect.any(String) }),
    ]);
    expect(await orderCount()).toBe(before);
  });

  it('refuses a float where a decimal string belongs, before anything runs', async () => {
    const { status, body } = await routerGraphQL(
      PLACE,
      {
        input: {
          portfolioId: carolsPortfolio,
          instrumentId: instrumentId('SHEL'),
          side: 'BUY',
          type: 'MARKET',
          quantity: 0.1,
        },
      },
      { token: carol },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('returns the same order for the same idempotency key', async () => {
    const input = {
      portfolioId: carolsPortfolio,
      instrumentId: instrumentId('ULVR'),
      side: 'BUY',
      type: 'MARKET',
      quantity: '3',
      idempotencyKey: `test-${randomUUID()}`,
    };
    const before = await orderCount();

    const [first, second] = await Promise.all([
      routerGraphQL<Placed>(PLACE, { input }, { token: carol }),
      routerGraphQL<Placed>(PLACE, { input }, { token: carol }),
    ]);
    const third = await routerGraphQL<Placed>(PLACE, { input }, { token: carol });

    const ids = [first, second, third].map((result) => result.body.data?.placeOrder.order?.id);
    expect(ids[0]).toBeDefined();
    expect(new Set(ids).size).toBe(1);
    expect(await orderCount()).toBe(before + 1);
  });

  it('refuses a reused idempotency key with different details', async () => {
    const key = `test-${randomUUID()}`;
    const input = {
      portfolioId: carolsPortfolio,
      instrumentId: instrumentId('ULVR'),
      side: 'BUY',
      type: 'MARKET',
      quantity: '1',
      idempotencyKey: key,
    };
    await routerGraphQL<Placed>(PLACE, { input }, { token: carol });
    const { body } = await routerGraphQL<Placed>(
      PLACE,
      { input: { ...input, quantity: '2' } },
      { token: carol },
    );

    expect(body.data?.placeOrder.order).toBeNull();
    expect(body.data?.placeOrder.userErrors[0]?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses an anonymous caller', async () => {
    const { body } = await routerGraphQL(PLACE, {
      input: {
        portfolioId: carolsPortfolio,
        instrumentId: instrumentId('SHEL'),
        side: 'BUY',
        type: 'MARKET',
        quantity: '1',
      },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('cancelOrder', () => {
  async function placeLimit(): Promise<string> {
    const { body } = await routerGraphQL<Placed>(
      PLACE,
      {
        input: {
          portfolioId: carolsPortfolio,
          instrumentId: instrumentId('IGLT'),
          side: 'BUY',
          type: 'LIMIT',
          quantity: '10',
          limitPrice: '9.5',
        },
      },
      { token: carol },
    );
    const id = body.data?.placeOrder.order?.id;
    if (!id) throw new Error(JSON.stringify(body));
    return id;
  }

  it('cancels an open order once, then says it is no longer open', async () => {
    const id = await placeLimit();

    const first = await routerGraphQL<{
      cancelOrder: { order: { status: string; cancelledAt: string } | null };
    }>(CANCEL, { id }, { token: carol });
    expect(first.body.data?.cancelOrder.order?.status).toBe('CANCELLED');
    expect(first.body.data?.cancelOrder.order?.cancelledAt).toEqual(expect.any(String));

    const second = await routerGraphQL<{ cancelOrder: { userErrors: { code: string }[] } }>(
      CANCEL,
      { id },
      { token: carol },
    );
    expect(second.body.data?.cancelOrder.userErrors[0]?.code).toBe('ORDER_NOT_OPEN');
  });

  it.each(['not-a-uuid', '00000000-0000-0000-0000-000000000000', ''])(
    'refuses to cancel unknown order %p with UNKNOWN_ORDER',
    async (id) => {
      const { body } = await routerGraphQL<{
        cancelOrder: { order: unknown; userErrors: { code: string; field: string[] }[] };
      }>(CANCEL, { id }, { token: carol });
      expect(body.data?.cancelOrder.order).toBeNull();
      expect(body.data?.cancelOrder.userErrors).toEqual([
        expect.objectContaining({ code: 'UNKNOWN_ORDER', field: ['id'] }),
      ]);
    },
  );

  it("refuses to cancel another user's order", async () => {
    const id = await placeLimit();
    const { body } = await routerGraphQL<{
      cancelOrder: { order: unknown; userErrors: { code: string }[] };
    }>(CANCEL, { id }, { token: await tokenFor('alice') });

    expect(body.data?.cancelOrder.order).toBeNull();
    expect(body.data?.cancelOrder.userErrors[0]?.code).toBe('UNKNOWN_ORDER');
    const [row] = await db('orders').where('id', id).select('status');
    expect(row?.status).toBe('ACCEPTED');
  });
});

describe('orders of a portfolio', () => {
  it("never lists another user's orders, even for a hand-made reference", async () => {
    const { body } = await routerGraphQL<{ order: unknown }>(
      'query ($id: ID!) { order(id: $id) { id } }',
      { id: (await db('orders').where('portfolio_id', carolsPortfolio).first('id'))?.id },
      { token: await tokenFor('bob') },
    );
    expect(body.data?.order ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
