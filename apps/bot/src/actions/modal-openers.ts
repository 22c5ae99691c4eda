import { getSetup, listCloseCodes, listInteractionTemplates, listSalesCycles, type CoreDeps } from '@crm/core'
import { closeOpportunityModal, logInteractionModal, newOpportunityModal, type SlackMessageSource } from '../blocks/modal-views.ts'
import type { Block } from '../blocks/result-blocks.ts'

/** "Log interaction" with the templates configured now; without a contact number it has a contact picker. */
export async function buildLogInteractionModal(core: CoreDeps, contactNo?: string, subject?: string, source?: SlackMessageSource): Promise<Block> {
  return logInteractionModal(await listInteractionTemplates(core), contactNo || undefined, subject, source)
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
