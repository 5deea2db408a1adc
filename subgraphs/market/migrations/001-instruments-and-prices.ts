import type { Migration } from '#shared';

export const instrumentsAndPrices: Migration = {
  name: '001-instruments-and-prices',

  async up(db) {
    await db.schema.createTable('instruments', (table) => {
      table.uuid('id').primary();
      table.text('symbol').notNullable().unique();
      table.text('name').notNullable();
      table.text('asset_class').notNullable();
      table.string('currency', 3).notNullable();
      table.text('exchange').notNullable();
      table.boolean('tradable').notNullable().defaultTo(true);
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.index(['asset_class', 'symbol']);
    });
    await db.raw(`alter table instruments add constraint instruments_asset_class_check
      check (asset_class in ('EQUITY', 'ETF', 'BOND', 'CRYPTO'))`);
    // Search: symbol prefixes case-insensitively, and word prefixes of names.
    await db.raw(
      'create index instruments_symbol_lower on instruments (lower(symbol) text_pattern_ops)',
    );
    await db.raw(`create index instruments_name_words on instruments
      using gin (to_tsvector('simple', name))`);

    await db.schema.createTable('quotes', (table) => {
      table.uuid('instrument_id').primary().references('instruments.id');
      table.decimal('price', 24, 8).notNullable();
      table.decimal('bid', 24, 8).notNullable();
      table.decimal('ask', 24, 8).notNullable();
      table.decimal('previous_close', 24, 8).notNullable();
      table.timestamp('as_of', { useTz: true }).notNullable();
    });

    await db.schema.createTable('daily_bars', (table) => {
      table.uuid('instrument_id').notNullable().references('instruments.id');
      table.date('date').notNullable();
      table.decimal('open', 24, 8).notNullable();
      table.decimal('high', 24, 8).notNullable();
      table.decimal('low', 24, 8).notNullable();
      table.decimal('close', 24, 8).notNullable();
      table.decimal('volume', 24, 0).notNullable();
      table.primary(['instrument_id', 'date']);
    });

    await db.schema.createTable('fx_rates', (table) => {
      table.string('base', 3).notNullable();
      table.string('quote', 3).notNullable();
      table.decimal('rate', 24, 10).notNullable();
      table.timestamp('as_of', { useTz: true }).notNullable();
      table.primary(['base', 'quote']);
    });
  },

  async down(db) {
    await db.schema.dropTable('fx_rates');
    await db.schema.dropTable('daily_bars');
    await db.schema.dropTable('quotes');
    await db.schema.dropTable('instruments');
  },
};
