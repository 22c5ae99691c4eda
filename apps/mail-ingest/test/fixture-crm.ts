import { addSalesperson, createContact, DEFAULT_FREE_MAIL_DOMAINS, type Actor, type CoreDeps } from '@crm/core'
import type { IngestSettings } from '../src/index.ts'

/** The ingester's settings the fixtures are written for: team.example, the log@ mailbox, our server mx.team.example. */
export const FIXTURE_SETTINGS: IngestSettings = {
  teamDomains: ['team.example'],
  freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS],
  ownAddresses: ['log@team.example'],
  authservIds: ['mx.team.example'],
}

/** Numbers of the contacts the fixtures write to and from, by short name. */
export interface FixtureContacts {
  hekla: string
  thora: string
  rosfish: string
  irina: string
  mueller: string
  nordfish: string
  dupont: string
  jean: string
}

const admin: Actor = { id: 'test', isAdmin: true }

/**
 * The salespeople (Anna, Bjorn) and contacts the mail fixtures involve, always in this order, so Hekla is CT000001
 * and Þóra CT000002: Icelandic, Russian, German, Norwegian and French companies, persons at three of them.
 */
export async function seedFixtureCrm(deps: CoreDeps): Promise<FixtureContacts> {
  await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
  await addSalesperson(deps, admin, { code: 'BJORN', name: 'Bjorn Boss', email: 'bjorn@team.example' })
  const company = async (name: string, fields: { website?: string; email?: string }) => (await createContact(deps, admin, { type: 'company', name, ...fields })).contact.no
  const person = async (name: string, companyNo: string, email: string) => (await createContact(deps, admin, { type: 'person', name, companyNo, email })).contact.no
  const hekla = await company('Hekla Útgerð ehf', { website: 'hekla.is' })
  const thora = await person('Þóra Guðmundsdóttir', hekla, 'thora@hekla.is')
  const rosfish = await company('Росфиш ООО', { website: 'rosfish.ru' })
  const irina = await person('Ирина Соколова', rosfish, 'irina@rosfish.ru')
  const mueller = await company('Müller GmbH', { website: 'https://www.mueller.de' })
  const nordfish = await company('Nordfish AS', { email: 'post@nordfish.no' })
  const dupont = await company('Pêcheries Dupont SARL', { website: 'peche-dupont.fr' })
  const jean = await person('Jean Dupont', dupont, 'jean.dupont@peche-dupont.fr')
  return { hekla, thora, rosfish, irina, mueller, nordfish, dupont, jean }
}
