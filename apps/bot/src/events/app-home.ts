import { countMailReview, findSalespersonFor, getForecast, listOpportunities, listRecentInteractions, type Opportunity } from '@crm/core'
import type { App } from '@slack/bolt'
import { errorHomeView, HOME_STAGE_MAX, homeView, type StageTotal } from '../blocks/home-view.ts'
import type { BotDeps } from '../deps.ts'
import { resolveActor } from '../actor.ts'
import { newRef } from '../unexpected.ts'

/** The first and last day (YYYY-MM-DD) of the month `now` is in, in UTC. */
export function monthOf(now: Date): { month: string; from: string; to: string } {
  const month = now.toISOString().slice(0, 7)
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate()
  return { month, from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

/**
 * A salesperson's open opportunities for App Home: every stage's count and calculated value (all of them, in
 * SQL), and the first HOME_STAGE_MAX of each stage by close date, so no stage is crowded out by another.
 */
async function openByStage(deps: BotDeps, salespersonCode: string): Promise<{ opportunities: Opportunity[]; stageTotals: StageTotal[] }> {
  const all = await getForecast(deps.core, { salespersonCode })
  const stageTotals = all.lines.map((l) => ({ cycleCode: l.cycleCode, stage: l.stage, stageDescription: l.stageDescription, count: l.count, calculatedValue: l.calculatedValue }))
  const stages = [...new Set(stageTotals.map((t) => t.stage))]
  const pages = await Promise.all(
    stages.map((stage) => listOpportunities(deps.core, { salespersonCode, limit: HOME_STAGE_MAX, ...(stage === null ? { status: 'not-started' } : { status: 'open', stage }) })),
  )
  return { opportunities: pages.flatMap((p) => p.opportunities), stageTotals }
}

/** App Home: published each time the user opens the Home tab. */
export function register(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return
    try {
      const { actor } = await resolveActor(deps, client, event.user)
      const sp = actor.salespersonCode ? await findSalespersonFor(deps.core, { slackUserId: event.user }) : undefined
      const { month, from, to } = monthOf(deps.core.clock())
      const [open, forecast, recent, mailReviewWaiting] = sp
        ? await Promise.all([
            openByStage(deps, sp.code),
            getForecast(deps.core, { salespersonCode: sp.code, closeFrom: from, closeTo: to }),
            listRecentInteractions(deps.core, sp.code, 10),
            countMailReview(deps.core),
          ])
        : [{ opportunities: [], stageTotals: [] }, { currency: '', total: { count: 0, estimatedValue: 0, calculatedValue: 0 } }, [], 0]
      const view = homeView({
        salesperson: sp ? { code: sp.code, name: sp.name } : undefined,
        openOpportunities: open.opportunities,
        stageTotals: open.stageTotals,
        recentInteractions: recent,
        forecast: { month, currency: forecast.currency, ...forecast.total },
        mailReviewWaiting,
      })
      await client.views.publish({ user_id: event.user, view: view as never })
    } catch (error) {
      // The user sees a Home tab with the ref instead of an empty or stale one; the details are in the log.
      const ref = newRef()
      deps.log.error({ event: 'home_failed', user: event.user, ref, err: error }, 'unexpected error')
      await client.views.publish({ user_id: event.user, view: errorHomeView(ref) as never }).catch((publishError: unknown) => {
        deps.log.error({ event: 'home_error_publish_failed', user: event.user, ref, err: publishError }, 'could not publish the error Home view')
      })
    }
  })
}
