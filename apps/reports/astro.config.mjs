import { defineConfig } from 'astro/config'

// Static output only: the site is a folder of files built from the database at one moment.
// CRM_REPORTS_OUT is set by src/build.ts (`npm run reports -- --out DIR`).
export default defineConfig({
  output: 'static',
  outDir: process.env.CRM_REPORTS_OUT || './dist',
  // Relative links and page.html files, so the folder also works opened from disk or any static host.
  build: { format: 'file', assets: 'assets' },
  trailingSlash: 'never',
  devToolbar: { enabled: false },
})
