import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { instrumentId } from '#demo';
import { Decimal, type Knex } from '#shared';
import { createFundedPortfolio, discrepancies, waitFor } from './fixtures.js';
import { startIsolatedStack, type IsolatedStack } from './isolated-stack.js';
import { postGraphQL } from './stack.js';

/**
 * Processes are killed (SIGKILL, no cleanup) at the worst moments of a trade, restarted as a
 * supervisor would, and the books are checked: every effect happened exactly once.
 */
const marker = path.join(mkdtempSync(path.join(tmpdir(), 'moneta-crash-')), 'crash');
const crashed = (point: string) => existsSync(`${marker}.${point}`);

let isolated: IsolatedStack;
let portfolioDb: Knex;
let tradingDb: Knex;

beforeAll(async () => {
  isolated = await startIsolatedStack(
    'crash',
    {
      MONETA_CRASH_AT: [
        'trading.place.after-reserve',
        'trading.fill.after-commit',
        'portfolio.settle.after-commit',
      ].join(','),
      MONETA_CRASH_MARKER: marker,
      JOB_STALE_LOCK_SECONDS: '5',
      RESERVATION_TRUST_SECONDS: '2',
      RESERVATION_ORPHAN_SECONDS: '3',
      RESERVATION_SWEEP_INTERVAL_MS: '500',
    },
    { restartOnCrash: true },
  );
  portfolioDb = isolated.open('portfolio');
  tradingDb = isolated.open('trading');
}, 120_000);

afterAll(async () => {
  await isolated?.stop();
}, 60_000);

function buy(token: string, portfolioId: string, symbol: string, quantity: string) {
  return postGraphQL<{ placeOrder: { order: { id: string } | null } }>(
    isolated.stack.urls.router,
    `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }`,
    {
      input: {
        portfolioId,
        instrumentId: instrumentId(symbol),
        side: 'BUY',
        type: 'MARKET',
        quantity,
      },
    },
    { token },
  );
}

async function ledger(portfolioId: string) {
  return portfolioDb('ledger_entries')
    .where('portfolio_id', portfolioId)
    .select<{ kind: string; cash_amount: string; reference: string }[]>(
      'kind',
      'cash_amount',
      'reference',
    )
    .orderBy('id');
}

async function cashOf(portfolioId: string): Promise<string> {
  const row = await portfolioDb('portfolios')
    .where('id', portfolioId)
    .first<{ cash: string }>('cash');
  return new Decimal(row.cash).toFixed();
}

async function openHolds(portfolioId: string): Promise<number> {
  const [row] = await portfolioDb('reservations')
    .where({ portfolio_id: portfolioId, state: 'OPEN' })
    .count({ count: '*' });
  return Number(row?.count);
}

it('releases the hold of an order that trading died before recording', async () => {
  const account = await createFundedPortfolio(920_001, '5000.00', [], portfolioDb);

  const { body } = await buy(account.token, account.portfolioId, 'TSCO', '100');
  expect(body.data?.placeOrder?.order ?? null).toBeNull();
  expect(crashed('trading.place.after-reserve')).toBe(true);

  await waitFor('the orphaned hold to be released', async () =>
    (await openHolds(account.portfolioId)) === 0 ? true : undefined,
  );
  const orders = await tradingDb('orders').where('portfolio_id', account.portfolioId);
  expect(orders).toEqual([]);
  expect(await cashOf(account.portfolioId)).toBe('5000');
  expect((await ledger(account.portfolioId)).map((entry) => entry.kind)).toEqual(['DEPOSIT']);
  expect(await discrepancies([account.portfolioId], portfolioDb)).toEqual([]);
}, 60_000);

it('books a fill exactly once when trading and then portfolio die mid-settlement', async () => {
  const account = await createFundedPortfolio(920_002, '5000.00', [], portfolioDb);

  const { body } = await buy(account.token, account.portfolioId, 'TSCO', '100');
  const orderId = body.data?.placeOrder?.order?.id;
  expect(orderId).toEqual(expect.any(String));

  const fill = await waitFor(
    'the fill to be booked in the ledger, with both crashes behind it',
    async () => {
      const entries = await ledger(account.portfolioId);
      const settled = entries.some((entry) => entry.kind === 'BUY');
      const bothCrashed =
        crashed('trading.fill.after-commit') && crashed('portfolio.settle.after-commit');
      return settled && bothCrashed && (await openHolds(account.portfolioId)) === 0
        ? entries
        : undefined;
    },
    60_000,
  );

  // The settlement whose answer was lost is delivered again; wait until the queue is empty,
  // i.e. the repeat was accepted, then check that it booked nothing twice.
  await waitFor(
    'the repeated settlement to complete',
    async () => {
      const [row] = await tradingDb
        .raw('select count(*) as count from trading_jobs._private_jobs')
        .then((result: { rows: { count: string }[] }) => result.rows);
      return Number(row?.count) === 0 ? true : undefined;
    },
    60_000,
  );
  const entries = await ledger(account.portfolioId);
  expect(entries.map((entry) => entry.kind)).toEqual(['DEPOSIT', 'BUY']);
  expect(entries).toEqual(fill);

  const fills = await tradingDb('fills').where('order_id', orderId as string);
  expect(fills).toHaveLength(1);
  const cost = new Decimal(fills[0].quantity).times(fills[0].price).toDecimalPlaces(4);
  expect(await cashOf(account.portfolioId)).toBe(new Decimal(5000).minus(cost).toFixed());
  const [order] = await tradingDb('orders')
    .where('id', orderId as string)
    .select('status');
  expect(order.status).toBe('FILLED');
  expect(await discrepancies([account.portfolioId], portfolioDb)).toEqual([]);
}, 90_000);
