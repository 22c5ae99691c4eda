// Builds the benchmark's baseline Astro project: CRM_BENCH_BASELINE_DATA (a JSON file of pages) into
// CRM_BENCH_BASELINE_OUT. Reports {htmlPages, seconds, peakRssMb} over IPC when forked (buildBaselineSite).
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { build } from 'astro'

const root = import.meta.dirname

if (import.meta.main) {
  try {
    const start = performance.now()
    const outDir = resolve(process.env.CRM_BENCH_BASELINE_OUT ?? resolve(root, 'dist'))
    process.env.ASTRO_TELEMETRY_DISABLED = '1'
    process.chdir(root)
    await build({ root, outDir, logLevel: 'error' })
    const htmlPages = readdirSync(outDir).filter((f) => f.endsWith('.html')).length
    const summary = { htmlPages, seconds: (performance.now() - start) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }
    console.log(`baseline: ${htmlPages} pages in ${summary.seconds.toFixed(1)} s`)
    if (process.send) await new Promise<void>((done) => process.send!({ type: 'crm-baseline-summary', summary }, () => done()))
  } catch (error) {
    console.error(`baseline: build failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
