import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // With BILLGATE_TEST_PG set, only what runs on both databases: SQLite-only tests say so in their name.
    exclude: process.env.BILLGATE_TEST_PG ? ['test/**/*.sqlite.test.{ts,tsx}', 'node_modules/**'] : ['node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
