import type { Migration } from '#shared';

export const execution: Migration = {
  name: '002-execution',

  async up(db) {
    await db.schema.alterTable('orders', (table) => {
      // Highest price a market buy may fill at (price protection), set when it is accepted.
      table.decimal('price_cap', 24, 8);
      table.string('currency', 3);
    });
    // The limit matcher reads open limit orders by instrument on every quote update.
    await db.raw(`create index orders_open_limit on orders (instrument_id)
      where type = 'LIMIT' and status in ('ACCEPTED', 'PARTIALLY_FILLED')`);
  },

  async down(db) {
    await db.raw('drop index orders_open_limit');
    await db.schema.alterTable('orders', (table) => {
      table.dropColumn('price_cap');
      table.dropColumn('currency');
    });
  },
};
