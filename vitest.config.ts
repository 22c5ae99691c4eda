import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['./packages/db/src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'db', include: ['packages/db/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'reports', include: ['apps/reports/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'cli', include: ['apps/cli/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'bot', include: ['apps/bot/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'mail-ingest', include: ['apps/mail-ingest/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'repo', include: ['test/**/*.test.ts'] } },
    ],
  },
})
