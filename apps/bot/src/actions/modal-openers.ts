import { getSetup, listCloseCodes, listInteractionTemplates, listSalesCycles, type CoreDeps } from '@crm/core'
import { closeOpportunityModal, logInteractionModal, newOpportunityModal, type SlackMessageSource } from '../blocks/modal-views.ts'
import type { Block } from '../blocks/result-blocks.ts'

/** "Log interaction" with the templates configured now, the setup's template-log first; without a contact number it has a contact picker. */
export async function buildLogInteractionModal(core: CoreDeps, contactNo?: string, subject?: string, source?: SlackMessageSource): Promise<Block> {
  const [templates, setup] = await Promise.all([listInteractionTemplates(core), getSetup(core)])
  return logInteractionModal(templates, contactNo || undefined, subject, source, setup.templates.log)
}

/** "New opportunity" with the sales cycles configured now and the setup's default; without a contact number it has a contact picker. */
export async function buildNewOpportunityModal(core: CoreDeps, contactNo?: string): Promise<Block> {
  const [cycles, setup] = await Promise.all([listSalesCycles(core), getSetup(core)])
  return newOpportunityModal({ cycles, defaultCycle: setup.defaultSalesCycleCode }, contactNo || undefined)
}

/** "Close opportunity" with the close codes configured now. */
export async function buildCloseOpportunityModal(core: CoreDeps, no: string): Promise<Block> {
  return closeOpportunityModal(no, await listCloseCodes(core))
}
