// Demo activity: interactions and opportunities across every stage and outcome, made through the real use
// cases (so numbering, entries and calculated values are exactly what users would get), deterministic per seed.
import type { Actor, CoreDeps } from '../deps.ts'
import { logInteraction } from '../interactions/interactions.ts'
import { closeOpportunity, createOpportunity, moveOpportunityStage } from '../opportunities/opportunities.ts'
import { mulberry32 } from './generate.ts'

export interface GenerateActivityInput {
  seed: number
  /** Interactions per live contact on average (default 3). */
  interactionsPerContact?: number
  /** How many opportunities, spread over stages, won and lost (default one per 4 contacts). */
  opportunities?: number
  actor: Actor
}

export interface GenerateActivityResult {
  interactions: number
  opportunities: number
  won: number
  lost: number
}

const SUBJECTS: Record<string, string[]> = {
  'EMAIL-IN': ['Question about the price list', 'Вопрос о поставке', 'Fyrirspurn um afhendingu', 'Re: Quote for next season'],
  'EMAIL-OUT': ['Quote for next season', 'Коммерческое предложение', 'Tilboð í vörur', 'Thank you for the meeting'],
  'CALL-IN': ['Called about the delivery date', 'Звонок по счёту', 'Hringdi út af reikningi'],
  'CALL-OUT': ['Follow-up call', 'Звонок: уточнение объёма', 'Eftirfylgni'],
  MEETING: ['Meeting at their office', 'Встреча на выставке', 'Fundur á skrifstofunni'],
  LETTER: ['Catalogue sent', 'Каталог отправлен', 'Vörulisti sendur'],
}
const TEMPLATES = Object.keys(SUBJECTS)
const EVALUATIONS = ['very-positive', 'positive', 'neutral', 'neutral', 'negative'] as const
const DEALS = ['Annual supply contract', 'Поставка на 2027 год', 'Samningur um þjónustu', 'Pilot order', 'Software licences', 'Cold storage upgrade']

const isoDate = (d: Date) => d.toISOString().slice(0, 10)

/**
 * Logs interactions over the last 120 days and creates opportunities: some at each stage of the default cycle,
 * some won and some lost with a close code. Needs contacts (see generateContacts); uses `deps.clock` as today.
 */
export async function generateActivity(deps: CoreDeps, input: GenerateActivityInput): Promise<GenerateActivityResult> {
  const rng = mulberry32(input.seed ^ 0x5eed)
  const today = deps.clock()
  const live = await deps.database.db.selectFrom('contacts').select(['no', 'type']).where('erased_at', 'is', null).where('privacy_blocked', '=', 0).orderBy('no').execute()
  const result: GenerateActivityResult = { interactions: 0, opportunities: 0, won: 0, lost: 0 }
  if (live.length === 0) return result
  const perContact = input.interactionsPerContact ?? 3
  const total = Math.round(live.length * perContact)
  for (let i = 0; i < total; i++) {
    const contact = live[Math.floor(rng() * live.length)]!
    const template = TEMPLATES[Math.floor(rng() * TEMPLATES.length)]!
    const subjects = SUBJECTS[template]!
    const when = new Date(today.getTime() - Math.floor(rng() * 120 * 86_400_000))
    when.setUTCHours(8 + Math.floor(rng() * 9), Math.floor(rng() * 4) * 15, 0, 0)
    await logInteraction(deps, input.actor, {
      contactNo: contact.no,
      templateCode: template,
      subject: subjects[Math.floor(rng() * subjects.length)]!,
      date: when.toISOString().slice(0, 16).replace('T', ' '),
      evaluation: EVALUATIONS[Math.floor(rng() * EVALUATIONS.length)]!,
      ...(template === 'CALL-OUT' && rng() < 0.15 ? { attemptFailed: true } : {}),
    })
    result.interactions++
  }
  const count = input.opportunities ?? Math.max(1, Math.round(live.length / 4))
  for (let i = 0; i < count; i++) {
    const contact = live[Math.floor(rng() * live.length)]!
    const close = new Date(today.getTime() + Math.floor((rng() * 180 - 20) * 86_400_000))
    const opp = await createOpportunity(deps, input.actor, {
      contactNo: contact.no,
      description: DEALS[Math.floor(rng() * DEALS.length)]!,
      estimatedValue: String((1 + Math.floor(rng() * 40)) * 500),
      estimatedCloseDate: isoDate(close),
      priority: rng() < 0.2 ? 'high' : rng() < 0.2 ? 'low' : 'normal',
    })
    result.opportunities++
    // Stage 1..4 open, or closed: about a fifth won and a fifth lost.
    const fate = rng()
    const steps = fate < 0.6 ? Math.floor(rng() * 4) : 3
    for (let s = 0; s < steps; s++) await moveOpportunityStage(deps, input.actor, { no: opp.no, to: 'next', ...(s === 1 ? { quote: `Q-${opp.no}` } : {}) })
    if (fate >= 0.8) {
      await closeOpportunity(deps, input.actor, { no: opp.no, outcome: 'won', closeCode: rng() < 0.5 ? 'WON-QUALITY' : 'WON-RELATION' })
      result.won++
    } else if (fate >= 0.6) {
      await closeOpportunity(deps, input.actor, { no: opp.no, outcome: 'lost', closeCode: ['PRICE', 'COMPETITOR', 'NO-BUDGET'][Math.floor(rng() * 3)]! })
      result.lost++
    }
  }
  return result
}
