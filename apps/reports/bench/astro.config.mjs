import { defineConfig } from 'astro/config'

// The benchmark's baseline: the same Astro, building the same number of pages from a JSON file instead of the
// database (see build.ts). Same output settings as the reports site.
export default defineConfig({
  output: 'static',
  outDir: process.env.CRM_BENCH_BASELINE_OUT || './dist',
  build: { format: 'file', assets: 'assets' },
  trailingSlash: 'never',
  devToolbar: { enabled: false },
})
