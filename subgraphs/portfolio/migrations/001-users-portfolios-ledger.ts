import type { Migration } from '#shared';

export const usersPortfoliosLedger: Migration = {
  name: '001-users-portfolios-ledger',

  async up(db) {
    await db.schema.createTable('users', (table) => {
      table.uuid('id').primary();
      table.text('username').notNullable().unique();
      table.text('display_name').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    });

    await db.schema.createTable('portfolios', (table) => {
      table.uuid('id').primary();
      table.uuid('user_id').notNullable().references('users.id').index();
      table.text('name').notNullable();
      table.string('base_currency', 3).notNullable();
      // Materialized from the ledger; see ledger.ts.
      table.decimal('cash', 24, 4).notNullable().defaultTo(0);
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    });

    await db.schema.createTable('holdings', (table) => {
      table.uuid('portfolio_id').notNullable().references('portfolios.id');
      table.uuid('instrument_id').notNullable();
      table.decimal('quantity', 28, 8).notNullable();
      table.decimal('average_cost', 24, 8).notNullable();
      table.string('currency', 3).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.primary(['portfolio_id', 'instrument_id']);
    });
    await db.raw(
      'alter table holdings add constraint holdings_quantity_positive check (quantity > 0)',
    );

    // Append-only: the source of truth for cash and positions.
    await db.schema.createTable('ledger_entries', (table) => {
      table.bigIncrements('id');
      table.uuid('portfolio_id').notNullable().references('portfolios.id');
      table.text('kind').notNullable();
      table.uuid('instrument_id');
      table.decimal('quantity', 28, 8);
      table.decimal('price', 24, 8);
      table.string('price_currency', 3);
      table.decimal('fx_rate', 24, 10);
      // Signed change of cash in the portfolio's base currency.
      table.decimal('cash_amount', 24, 4).notNullable();
      // Idempotency: an effect applied twice under one reference is refused by the database.
      table.text('reference').notNullable().unique();
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.index(['portfolio_id', 'id']);
    });
    await db.raw(`alter table ledger_entries add constraint ledger_entries_kind_check
      check (kind in ('DEPOSIT', 'WITHDRAWAL', 'BUY', 'SELL', 'FEE'))`);
    await db.raw(`create function ledger_entries_append_only() returns trigger
      language plpgsql as $$
      begin
        raise exception 'ledger_entries is append-only: % refused', tg_op
          using errcode = 'restrict_violation';
      end $$`);
    await db.raw(`create trigger ledger_entries_append_only
      before update or delete on ledger_entries
      for each row execute function ledger_entries_append_only()`);
  },

  async down(db) {
    await db.schema.dropTable('ledger_entries');
    await db.raw('drop function ledger_entries_append_only()');
    await db.schema.dropTable('holdings');
    await db.schema.dropTable('portfolios');
    await db.schema.dropTable('users');
  },
};
