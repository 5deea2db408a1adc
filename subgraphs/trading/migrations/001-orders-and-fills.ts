import type { Migration } from '#shared';

export const ordersAndFills: Migration = {
  name: '001-orders-and-fills',

  async up(db) {
    await db.schema.createTable('orders', (table) => {
      table.uuid('id').primary();
      table.uuid('user_id').notNullable();
      table.uuid('portfolio_id').notNullable();
      table.uuid('instrument_id').notNullable();
      table.text('side').notNullable();
      table.text('type').notNullable();
      table.decimal('quantity', 28, 8).notNullable();
      table.decimal('limit_price', 24, 8);
      table.text('status').notNullable();
      table.decimal('filled_quantity', 28, 8).notNullable().defaultTo(0);
      table.decimal('average_fill_price', 24, 8);
      table.text('idempotency_key');
      table.text('rejection_reason');
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.timestamp('accepted_at', { useTz: true });
      table.timestamp('filled_at', { useTz: true });
      table.timestamp('cancelled_at', { useTz: true });
      table.timestamp('rejected_at', { useTz: true });
      table.unique(['user_id', 'idempotency_key']);
      table.index(['portfolio_id', 'created_at']);
    });
    await db.raw(`alter table orders add constraint orders_enums_check check (
      side in ('BUY', 'SELL') and type in ('MARKET', 'LIMIT')
      and status in ('ACCEPTED', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED'))`);
    await db.raw(`alter table orders add constraint orders_quantities_check check (
      quantity > 0 and filled_quantity >= 0 and filled_quantity <= quantity
      and (limit_price is null or limit_price > 0)
      and ((type = 'LIMIT') = (limit_price is not null)))`);

    await db.schema.createTable('fills', (table) => {
      table.uuid('id').primary();
      table.uuid('order_id').notNullable().references('orders.id').index();
      table.decimal('quantity', 28, 8).notNullable();
      table.decimal('price', 24, 8).notNullable();
      table.timestamp('executed_at', { useTz: true }).notNullable();
    });
  },

  async down(db) {
    await db.schema.dropTable('fills');
    await db.schema.dropTable('orders');
  },
};
