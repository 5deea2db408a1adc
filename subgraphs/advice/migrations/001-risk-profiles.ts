import type { Migration } from '#shared';

export const riskProfiles: Migration = {
  name: '001-risk-profiles',

  async up(db) {
    // Target weights per risk profile; advisers tune them here without a deploy.
    await db.schema.createTable('model_allocations', (table) => {
      table.text('profile').notNullable();
      table.text('asset_class').notNullable();
      table.decimal('weight', 6, 2).notNullable();
      table.primary(['profile', 'asset_class']);
    });

    await db.schema.createTable('risk_profiles', (table) => {
      table.uuid('portfolio_id').notNullable();
      table.uuid('user_id').notNullable();
      table.text('profile').notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.primary(['portfolio_id', 'user_id']);
    });
    await db.raw(`alter table risk_profiles add constraint risk_profiles_profile_check
      check (profile in ('CONSERVATIVE', 'BALANCED', 'GROWTH', 'ADVENTUROUS'))`);
  },

  async down(db) {
    await db.schema.dropTable('risk_profiles');
    await db.schema.dropTable('model_allocations');
  },
};
