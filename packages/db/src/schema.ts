import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

/** Booleans are stored as 0/1 integers on every dialect. */
export type Flag = 0 | 1

export interface SetupTable {
  id: number
  default_country_code: string | null
  default_language_code: string | null
  default_salesperson_code: string | null
  dup_search_enabled: Flag
  dup_threshold: number
  inherit_address: Flag
  inherit_phone: Flag
  inherit_salesperson: Flag
  inherit_country: Flag
  inherit_language: Flag
  customer_relation_code: string | null
  vendor_relation_code: string | null
  modified_at: string
}

export interface NumberSeriesTable {
  code: string
  description: string
  prefix: string
  width: number
  next_no: number
  modified_at: string
}

export interface SalespersonTable {
  code: string
  name: string
  email: string | null
  email_norm: string | null
  phone: string | null
  job_title: string | null
  slack_user_id: string | null
  created_at: string
  modified_at: string
}

export interface CodeTable {
  code: string
  description: string
}

export type ContactType = 'company' | 'person'

export interface ContactTable {
  no: string
  type: ContactType
  name: string
  name_folded: string
  first_name: string | null
  middle_name: string | null
  surname: string | null
  initials: string | null
  job_title: string | null
  salutation_code: string | null
  company_no: string | null
  company_name: string | null
  address: string | null
  address2: string | null
  post_code: string | null
  city: string | null
  county: string | null
  country_code: string | null
  inherit_company_address: Flag
  phone: string | null
  mobile: string | null
  email: string | null
  email2: string | null
  website: string | null
  language_code: string | null
  salesperson_code: string | null
  territory_code: string | null
  privacy_blocked: Flag
  exclude_from_segments: Flag
  dup_name_key: string
  email_norm: string | null
  email2_norm: string | null
  phone_digits: string | null
  mobile_digits: string | null
  website_domain: string | null
  erased_at: string | null
  created_at: string
  modified_at: string
}

export interface ContactCodeLinkTable {
  contact_no: string
  code: string
}

export interface ContactProfileAnswerTable {
  contact_no: string
  question: string
  answer: string
}

export interface ContactSearchTokenTable {
  token: string
  contact_no: string
}

export interface DuplicateExclusionTable {
  contact_no_a: string
  contact_no_b: string
  created_at: string
}

export interface ChangeLogTable {
  id: Generated<number>
  at: string
  actor: string | null
  entity: string
  entity_no: string
  action: string
  details: string | null
}

export interface Database {
  setup: SetupTable
  number_series: NumberSeriesTable
  salespeople: SalespersonTable
  business_relations: CodeTable
  industry_groups: CodeTable
  mailing_groups: CodeTable
  job_responsibilities: CodeTable
  contacts: ContactTable
  contact_business_relations: ContactCodeLinkTable
  contact_industry_groups: ContactCodeLinkTable
  contact_mailing_groups: ContactCodeLinkTable
  contact_job_responsibilities: ContactCodeLinkTable
  contact_profile_answers: ContactProfileAnswerTable
  contact_search_tokens: ContactSearchTokenTable
  duplicate_exclusions: DuplicateExclusionTable
  change_log: ChangeLogTable
}

export type SetupRow = Selectable<SetupTable>
export type NumberSeriesRow = Selectable<NumberSeriesTable>
export type SalespersonRow = Selectable<SalespersonTable>
export type CodeRow = Selectable<CodeTable>
export type ContactRow = Selectable<ContactTable>
export type NewContactRow = Insertable<ContactTable>
export type ContactUpdate = Updateable<ContactTable>
export type ChangeLogRow = Selectable<ChangeLogTable>

/** The classification link tables, by the name users know them under. */
export const CLASSIFICATIONS = {
  'business-relation': { table: 'business_relations', link: 'contact_business_relations' },
  'industry-group': { table: 'industry_groups', link: 'contact_industry_groups' },
  'mailing-group': { table: 'mailing_groups', link: 'contact_mailing_groups' },
  'job-responsibility': { table: 'job_responsibilities', link: 'contact_job_responsibilities' },
} as const
export type ClassificationKind = keyof typeof CLASSIFICATIONS
export type ClassificationTable = (typeof CLASSIFICATIONS)[ClassificationKind]['table']
export type ClassificationLinkTable = (typeof CLASSIFICATIONS)[ClassificationKind]['link']
