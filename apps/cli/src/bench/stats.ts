import { performance } from 'node:perf_hooks'

/** Percentile by nearest rank over a copy of the samples (milliseconds). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export interface Timing {
  p50: number
  p95: number
  samples: number
}

/**
 * Calls `fn` untimed on the first `warmup` inputs, then timed on each of the others, and returns p50/p95 in
 * milliseconds. Every input is used once, so operations that change their input (advance a stage) stay valid.
 */
export async function timeEach<T>(inputs: readonly T[], fn: (input: T, index: number) => Promise<unknown>, warmup = 5): Promise<Timing> {
  const w = Math.min(warmup, Math.max(0, inputs.length - 1))
  for (let i = 0; i < w; i++) await fn(inputs[i]!, i)
  const samples: number[] = []
  for (let i = w; i < inputs.length; i++) {
    const start = performance.now()
    await fn(inputs[i]!, i)
    samples.push(performance.now() - start)
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), samples: samples.length }
}

/** Wall time of one call, in milliseconds. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}
