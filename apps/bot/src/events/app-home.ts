import { countMailReview, findSalespersonFor, getForecast, listOpportunities, listRecentInteractions } from '@crm/core'
import type { App } from '@slack/bolt'
import { errorHomeView, homeView } from '../blocks/home-view.ts'
import type { BotDeps } from '../deps.ts'
import { resolveActor } from '../actor.ts'
import { newRef } from '../unexpected.ts'

/** The first and last day (YYYY-MM-DD) of the month `now` is in, in UTC. */
export function monthOf(now: Date): { month: string; from: string; to: string } {
  const month = now.toISOString().slice(0, 7)
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate()
  return { month, from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
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
            listOpportunities(deps.core, { salespersonCode: sp.code, status: 'open', limit: 50 }),
            getForecast(deps.core, { salespersonCode: sp.code, closeFrom: from, closeTo: to }),
            listRecentInteractions(deps.core, sp.code, 10),
            countMailReview(deps.core),
          ])
        : [{ opportunities: [] }, { currency: '', total: { count: 0, estimatedValue: 0, calculatedValue: 0 } }, [], 0]
      const view = homeView({
        salesperson: sp ? { code: sp.code, name: sp.name } : undefined,
        openOpportunities: open.opportunities,
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
