import { instrumentId } from '#demo';
import { createFundedPortfolio } from './fixtures.js';
import { routerGraphQL, serviceUrl } from './stack.js';

/** User numbers 960000-960999 belong to this file. */
let next = 960_000 + Math.floor(Math.random() * 900);

async function fetches(subgraph: string, shared: boolean): Promise<number> {
  const text = await (await fetch(new URL('/metrics', serviceUrl('router')))).text();
  const line = text
    .split('\n')
    .find((row) =>
      row.startsWith(
        `moneta_router_subgraph_fetches_total{subgraph="${subgraph}",shared="${shared}"`,
      ),
    );
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('subgraph fetches from the router', () => {
  it('sends identical reads in flight once and shares the answer', async () => {
    const query = `{ instrument(symbol: "SAP") { name quote { price } priceHistory { close } } }`;
    const sharedBefore = await fetches('market', true);

    const answers = await Promise.all(Array.from({ length: 30 }, () => routerGraphQL(query)));

    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    expect(answers[0]?.body.errors).toBeUndefined();
    expect(await fetches('market', true)).toBeGreaterThan(sharedBefore);
  });

  it('never shares mutations, even identical ones', async () => {
    const account = await createFundedPortfolio(next++, '1000.00');
    const mutation = /* GraphQL */ `
      mutation ($input: PlaceOrderInput!) {
        placeOrder(input: $input) {
          order {
            id
          }
        }
      }
    `;
    const input = {
      portfolioId: account.portfolioId,
      instrumentId: instrumentId('VOD'),
      side: 'BUY',
      type: 'LIMIT',
      quantity: '1',
      limitPrice: '0.01',
      idempotencyKey: `no-sharing-${next}`,
    };
    const sentBefore = await fetches('trading', false);

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => routerGraphQL(mutation, { input }, { token: account.token })),
    );

    // Five requests reach trading; its idempotency key, not the router, makes them one order.
    expect(await fetches('trading', false)).toBeGreaterThanOrEqual(sentBefore + 5);
    const ids = new Set(answers.map((answer) => JSON.stringify(answer.body.data)));
    expect(ids.size).toBe(1);
  });
});
