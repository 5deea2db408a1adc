import type { Migration } from '#shared';

/** One-minute bars the price feed builds from its ticks, for intraday charts. */
export const intradayBars: Migration = {
  name: '002-intraday-bars',

  async up(db) {
    await db.schema.createTable('intraday_bars', (table) => {
      table.uuid('instrument_id').notNullable().references('instruments.id');
      table.timestamp('starts_at', { useTz: true }).notNullable();
      table.decimal('open', 24, 8).notNullable();
      table.decimal('high', 24, 8).notNullable();
      table.decimal('low', 24, 8).notNullable();
      table.decimal('close', 24, 8).notNullable();
      table.integer('ticks').notNullable();
      table.primary(['instrument_id', 'starts_at']);
    });
  },

  async down(db) {
    await db.schema.dropTable('intraday_bars');
  },
};
