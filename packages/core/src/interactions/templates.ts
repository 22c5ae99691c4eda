import { changeLog, interactions, setup as setupQueries, type Channel } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { invalidField } from '../errors.ts'
import { parseMoney } from '../money.ts'
import { cleanText } from '../text/normalize.ts'
import { CHANNELS } from './interactions.ts'

export interface InteractionTemplateInput {
  code: string
  description?: string
  groupCode?: string
  channel?: string
  unitCost?: string
  unitDurationMin?: number
  informationFlow?: string
  initiatedBy?: string
  campaignTarget?: boolean
  campaignResponse?: boolean
  ignoreContactCorrType?: boolean
}

/** An interaction template as pickers show it. */
export interface InteractionTemplateChoice {
  code: string
  description: string
  channel: Channel
}

/** The interaction templates by code. */
export async function listInteractionTemplates(deps: CoreDeps): Promise<InteractionTemplateChoice[]> {
  return (await interactions.listTemplates(deps.database.db)).map((t) => ({ code: t.code, description: t.description, channel: t.channel }))
}

/** Adds an interaction template or changes the given settings of an existing one; a new group is created on the fly. */
export async function saveInteractionTemplate(deps: CoreDeps, actor: Actor, input: InteractionTemplateInput) {
  const now = deps.clock().toISOString()
  const code = input.code.trim().toUpperCase()
  if (!/^[\p{L}\p{N}_-]{1,20}$/u.test(code)) throw invalidField('code', `"${input.code}" is not a template code (1-20 letters, digits, - or _).`, 'setup template DEMO "Product demo"')
  return deps.database.db.transaction().execute(async (trx) => {
    const current = await interactions.findTemplate(trx, code)
    const description = cleanText(input.description) ?? current?.description
    if (!description) throw invalidField('description', `A new template needs a description.`, `setup template ${code} "Product demo" --channel meeting`)
    const channel = (input.channel?.trim().toLowerCase() ?? current?.channel ?? 'other') as Channel
    if (!CHANNELS.includes(channel)) throw invalidField('channel', `The channel is one of ${CHANNELS.join(', ')}, not "${input.channel}".`, '--channel phone')
    const groupCode = input.groupCode?.trim().toUpperCase() ?? current?.group_code ?? channel.toUpperCase()
    if (!/^[\p{L}\p{N}_-]{1,20}$/u.test(groupCode)) throw invalidField('group', `"${input.groupCode}" is not a group code.`, '--group MEETING')
    if (!(await interactions.findGroup(trx, groupCode))) await interactions.upsertGroup(trx, groupCode, groupCode.charAt(0) + groupCode.slice(1).toLowerCase())
    const currency = (await setupQueries.get(trx)).currency_code
    const cost = input.unitCost !== undefined ? parseMoney(input.unitCost, currency, 'cost') : Number(current?.unit_cost_minor ?? 0)
    if (cost < 0) throw invalidField('cost', 'The unit cost cannot be negative.', '--cost 2.50')
    const duration = input.unitDurationMin ?? current?.unit_duration_min ?? 0
    if (!Number.isInteger(duration) || duration < 0) throw invalidField('duration', `The duration is whole minutes from 0, not ${input.unitDurationMin}.`, '--duration 15')
    const choice = <T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T | null, field: string): T | null => {
      if (raw === undefined) return fallback
      const v = raw.trim().toLowerCase()
      if (v === 'none' || v === '') return null
      if (!(allowed as readonly string[]).includes(v)) throw invalidField(field, `--${field} is ${allowed.join(', ')} or none, not "${raw}".`)
      return v as T
    }
    const flag = (v: boolean | undefined, fallback: 0 | 1 | undefined) => (v === undefined ? (fallback ?? 0) : v ? 1 : 0) as 0 | 1
    await interactions.upsertTemplate(trx, {
      code,
      description,
      group_code: groupCode,
      channel,
      unit_cost_minor: cost,
      unit_duration_min: duration,
      information_flow: choice(input.informationFlow, ['inbound', 'outbound'] as const, current?.information_flow ?? null, 'flow'),
      initiated_by: choice(input.initiatedBy, ['us', 'them'] as const, current?.initiated_by ?? null, 'initiated-by'),
      campaign_target: flag(input.campaignTarget, current?.campaign_target),
      campaign_response: flag(input.campaignResponse, current?.campaign_response),
      ignore_contact_corr_type: flag(input.ignoreContactCorrType, current?.ignore_contact_corr_type),
      created_at: current?.created_at ?? now,
    })
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'interaction-template', entityNo: code, action: current ? 'update' : 'create' })
    return (await interactions.findTemplate(trx, code))!
  })
}
