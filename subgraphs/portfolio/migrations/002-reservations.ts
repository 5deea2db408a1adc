import type { Migration } from '#shared';

export const reservations: Migration = {
  name: '002-reservations',

  async up(db) {
    // Holds on buying power (buys) or shares (sells) for open orders. Cash and holdings stay as
    // the ledger says; what can be spent or sold is what remains after the open holds.
    await db.schema.createTable('reservations', (table) => {
      table.uuid('order_id').primary();
      table.uuid('portfolio_id').notNullable().references('portfolios.id');
      table.text('side').notNullable();
      table.uuid('instrument_id').notNullable();
      table.string('price_currency', 3).notNullable();
      // Base-currency units per unit of price_currency, fixed when the hold is made.
      table.decimal('fx_rate', 24, 10).notNullable();
      table.decimal('cash_reserved', 24, 4).notNullable().defaultTo(0);
      table.decimal('cash_remaining', 24, 4).notNullable().defaultTo(0);
      table.decimal('quantity_reserved', 28, 8).notNullable().defaultTo(0);
      table.decimal('quantity_remaining', 28, 8).notNullable().defaultTo(0);
      table.text('state').notNullable().defaultTo('OPEN');
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.timestamp('closed_at', { useTz: true });
    });
    await db.raw(`alter table reservations add constraint reservations_check check (
      side in ('BUY', 'SELL') and state in ('OPEN', 'CLOSED')
      and cash_remaining >= 0 and quantity_remaining >= 0)`);
    await db.raw(`create index reservations_open_by_portfolio on reservations (portfolio_id)
      where state = 'OPEN'`);
    await db.raw(`create index reservations_open_by_age on reservations (created_at)
      where state = 'OPEN'`);
  },

  async down(db) {
    await db.schema.dropTable('reservations');
  },
};
