import type { Knex } from '#shared';

export interface Discrepancy {
  portfolioId: string;
  /** `cash`, or the instrument whose position disagrees. */
  item: string;
  materialized: string;
  ledger: string;
}

/**
 * Proves the materialized cash and positions equal what the ledger says: every difference is
 * returned, so an empty list is the proof. Scoped to some portfolios, or all when none given.
 */
export async function reconcile(
  db: Knex,
  portfolioIds?: readonly string[],
): Promise<Discrepancy[]> {
  const scope = portfolioIds && portfolioIds.length > 0 ? [...portfolioIds] : undefined;
  const filter = (column: string) =>
    scope ? db.raw(`${column} = any(?::uuid[])`, [scope]) : db.raw('true');

  const cash = await db.raw<{ rows: Discrepancy[] }>(
    `select p.id as "portfolioId", 'cash' as item,
            p.cash::text as materialized, coalesce(l.total, 0)::text as ledger
       from portfolios p
       left join (select portfolio_id, sum(cash_amount) as total
                    from ledger_entries group by portfolio_id) l on l.portfolio_id = p.id
      where ? and p.cash <> coalesce(l.total, 0)`,
    [filter('p.id')],
  );

  const positions = await db.raw<{ rows: Discrepancy[] }>(
    `with ledger as (
       select portfolio_id, instrument_id,
              sum(case kind when 'BUY' then quantity else -quantity end) as quantity
         from ledger_entries
        where kind in ('BUY', 'SELL')
        group by portfolio_id, instrument_id)
     select coalesce(l.portfolio_id, h.portfolio_id) as "portfolioId",
            coalesce(l.instrument_id, h.instrument_id)::text as item,
            coalesce(h.quantity, 0)::text as materialized,
            coalesce(l.quantity, 0)::text as ledger
       from ledger l
       full join holdings h
         on h.portfolio_id = l.portfolio_id and h.instrument_id = l.instrument_id
      where ? and coalesce(l.quantity, 0) <> coalesce(h.quantity, 0)`,
    [filter('coalesce(l.portfolio_id, h.portfolio_id)')],
  );

  return [...cash.rows, ...positions.rows];
}
