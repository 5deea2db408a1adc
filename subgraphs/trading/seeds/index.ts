import { DEMO_USERS, instrumentId, portfolioId, userId } from '#demo';
import { stableId, toCount, type Knex } from '#shared';

const DAY_MS = 86_400_000;

/**
 * The demo users' order history: a filled order behind every trade the portfolio seed posted,
 * and the open limit orders still resting. Runs only on an empty schema.
 */
export async function seedTrading(db: Knex, now = new Date()): Promise<boolean> {
  const [existing] = await db('orders').count({ count: '*' });
  if (toCount(existing?.count) > 0) return false;

  await db.transaction(async (trx) => {
    for (const user of DEMO_USERS) {
      for (const portfolio of user.portfolios) {
        for (const [index, trade] of portfolio.trades.entries()) {
          const id = stableId('order', `${portfolio.key}:trade:${index}`);
          const at = new Date(now.getTime() - trade.daysAgo * DAY_MS);
          await trx('orders').insert({
            id,
            user_id: userId(user.username),
            portfolio_id: portfolioId(portfolio.key),
            instrument_id: instrumentId(trade.symbol),
            side: trade.side,
            type: 'MARKET',
            quantity: trade.quantity,
            status: 'FILLED',
            filled_quantity: trade.quantity,
            average_fill_price: trade.price,
            created_at: at,
            updated_at: at,
            accepted_at: at,
            filled_at: at,
          });
          await trx('fills').insert({
            id: stableId('fill', `${portfolio.key}:trade:${index}`),
            order_id: id,
            quantity: trade.quantity,
            price: trade.price,
            executed_at: at,
          });
        }

        for (const [index, order] of portfolio.openOrders.entries()) {
          const at = new Date(now.getTime() - (index + 1) * 3_600_000);
          await trx('orders').insert({
            id: stableId('order', `${portfolio.key}:open:${index}`),
            user_id: userId(user.username),
            portfolio_id: portfolioId(portfolio.key),
            instrument_id: instrumentId(order.symbol),
            side: order.side,
            type: 'LIMIT',
            quantity: order.quantity,
            limit_price: order.limitPrice,
            status: 'ACCEPTED',
            created_at: at,
            updated_at: at,
            accepted_at: at,
          });
        }
      }
    }
  });
  return true;
}
