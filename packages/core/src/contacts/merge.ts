import { changeLog, classifications, contacts, interactions, opportunities, segments, type ContactRow, type ContactUpdate } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError } from '../errors.ts'
import { toContact, type Contact } from './contact.ts'
import { reindexContact, requireContact } from './write.ts'

const FILLABLE: Array<keyof ContactRow> = [
  'first_name', 'middle_name', 'surname', 'initials', 'job_title', 'salutation_code', 'company_no', 'company_name',
  'address', 'address2', 'post_code', 'city', 'county', 'country_code', 'phone', 'mobile', 'email', 'email2', 'website',
  'language_code', 'salesperson_code', 'territory_code',
]

export interface MergeResult {
  survivor: Contact
  mergedNo: string
  movedPersons: number
}

/**
 * Merges contact `fromNo` into `intoNo` in one transaction: the survivor keeps its values and fills its blanks
 * from the other; classifications, profile answers, persons (and, as later areas add them, interactions,
 * opportunities and segment lines) move to the survivor; the merged contact is removed and a trace with its
 * former data is kept in the survivor's change log.
 */
export async function mergeContacts(deps: CoreDeps, actor: Actor, fromNo: string, intoNo: string): Promise<MergeResult> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const from = await requireContact(trx, fromNo, 'contact')
    const into = await requireContact(trx, intoNo, 'survivor')
    if (from.no === into.no) throw new DomainError('SAME_CONTACT', `Cannot merge ${from.no} into itself; give two different contacts.`)
    if (from.type !== into.type) {
      throw new DomainError('TYPE_MISMATCH', `${from.no} is a ${from.type} and ${into.no} is a ${into.type}; only contacts of the same type can be merged.`)
    }
    if (from.no === into.company_no || into.no === from.company_no) {
      throw new DomainError('MERGE_LINKED', 'A person cannot be merged with its own company.')
    }
    const fill: ContactUpdate = { modified_at: now }
    for (const column of FILLABLE) {
      if ((into[column] === null || into[column] === '') && from[column] !== null) (fill as Record<string, unknown>)[column] = from[column]
    }
    if (from.privacy_blocked) fill.privacy_blocked = 1
    if (from.exclude_from_segments) fill.exclude_from_segments = 1
    const persons = into.type === 'company' ? (await contacts.listPersonsOf(trx, from.no)).length : 0
    const fromClassifications = await classifications.listForContact(trx, from.no)
    await contacts.reassignReferences(trx, from.no, into.no, into.name, now)
    const survivorCompany = into.type === 'person' ? (into.company_no ?? from.company_no) : null
    await interactions.reassignContact(trx, from.no, into.no, survivorCompany)
    await opportunities.reassignContact(trx, from.no, into.no, survivorCompany)
    await segments.reassignContact(trx, from.no, into.no, survivorCompany)
    await contacts.update(trx, into.no, fill)
    await contacts.delete(trx, from.no)
    const survivor = await reindexContact(trx, into.no)
    if (survivor.type === 'company') {
      // Moved persons must be found under the survivor's name, and those following their company's address
      // now follow the survivor's (which may just have been filled from the merged company).
      const address = { address: survivor.address, address2: survivor.address2, post_code: survivor.post_code, city: survivor.city, county: survivor.county, country_code: survivor.country_code }
      await contacts.updatePersonsOf(trx, survivor.no, { ...address, modified_at: now }, true)
      for (const person of await contacts.listPersonsOf(trx, survivor.no)) await reindexContact(trx, person.no)
    }
    await changeLog.insert(trx, {
      at: now,
      actor: actor.id,
      entity: 'contact',
      entityNo: into.no,
      action: 'merge',
      details: { merged: toContact(from), classifications: fromClassifications, movedPersons: persons },
    })
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: from.no, action: 'merged-into', details: { survivor: into.no } })
    deps.logger.info({ event: 'contact.merged', from: from.no, into: into.no })
    return { survivor: toContact(survivor), mergedNo: from.no, movedPersons: persons }
  })
}
