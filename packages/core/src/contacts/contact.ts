import type { ContactRow, ContactType } from '@crm/db'

/** A contact as the domain shows it (internal index columns left out). */
export interface Contact {
  no: string
  type: ContactType
  name: string
  firstName: string | null
  middleName: string | null
  surname: string | null
  initials: string | null
  jobTitle: string | null
  salutationCode: string | null
  companyNo: string | null
  companyName: string | null
  address: string | null
  address2: string | null
  postCode: string | null
  city: string | null
  county: string | null
  countryCode: string | null
  inheritsCompanyAddress: boolean
  phone: string | null
  mobile: string | null
  email: string | null
  email2: string | null
  website: string | null
  languageCode: string | null
  salespersonCode: string | null
  territoryCode: string | null
  privacyBlocked: boolean
  excludeFromSegments: boolean
  /** Company size: number of employees, and annual revenue in minor units of the setup currency. */
  employees: number | null
  annualRevenueMinor: number | null
  erasedAt: string | null
  createdAt: string
  modifiedAt: string
}

/** The editable fields of a contact, as given by a user (strings as typed; validated by `validateContactFields`). */
export interface ContactFields {
  name?: string | null
  firstName?: string | null
  middleName?: string | null
  surname?: string | null
  initials?: string | null
  jobTitle?: string | null
  salutationCode?: string | null
  address?: string | null
  address2?: string | null
  postCode?: string | null
  city?: string | null
  county?: string | null
  countryCode?: string | null
  phone?: string | null
  mobile?: string | null
  email?: string | null
  email2?: string | null
  website?: string | null
  languageCode?: string | null
  salespersonCode?: string | null
  territoryCode?: string | null
  privacyBlocked?: boolean
  excludeFromSegments?: boolean
  /** Number of employees (a whole number, as typed or a number). */
  employees?: string | number | null
  /** Annual revenue as typed ("1,500,000.00"); validated into minor units of the setup currency. */
  annualRevenue?: string | number | null
}

/** Codes to link to a contact, by classification. */
export interface ClassificationChanges {
  businessRelations?: string[]
  industryGroups?: string[]
  mailingGroups?: string[]
  jobResponsibilities?: string[]
}

/** Maps a stored row to the domain shape. */
export function toContact(row: ContactRow): Contact {
  return {
    no: row.no,
    type: row.type,
    name: row.name,
    firstName: row.first_name,
    middleName: row.middle_name,
    surname: row.surname,
    initials: row.initials,
    jobTitle: row.job_title,
    salutationCode: row.salutation_code,
    companyNo: row.company_no,
    companyName: row.company_name,
    address: row.address,
    address2: row.address2,
    postCode: row.post_code,
    city: row.city,
    county: row.county,
    countryCode: row.country_code,
    inheritsCompanyAddress: row.inherit_company_address === 1,
    phone: row.phone,
    mobile: row.mobile,
    email: row.email,
    email2: row.email2,
    website: row.website,
    languageCode: row.language_code,
    salespersonCode: row.salesperson_code,
    territoryCode: row.territory_code,
    privacyBlocked: row.privacy_blocked === 1,
    excludeFromSegments: row.exclude_from_segments === 1,
    employees: row.employees ?? null,
    annualRevenueMinor: row.annual_revenue_minor === null || row.annual_revenue_minor === undefined ? null : Number(row.annual_revenue_minor),
    erasedAt: row.erased_at,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  }
}

/** The address fields a person inherits from its company. */
export const ADDRESS_FIELDS = ['address', 'address2', 'postCode', 'city', 'county', 'countryCode'] as const

/** Domain field name -> column name. */
export const FIELD_COLUMNS = {
  name: 'name',
  firstName: 'first_name',
  middleName: 'middle_name',
  surname: 'surname',
  initials: 'initials',
  jobTitle: 'job_title',
  salutationCode: 'salutation_code',
  address: 'address',
  address2: 'address2',
  postCode: 'post_code',
  city: 'city',
  county: 'county',
  countryCode: 'country_code',
  phone: 'phone',
  mobile: 'mobile',
  email: 'email',
  email2: 'email2',
  website: 'website',
  languageCode: 'language_code',
  salespersonCode: 'salesperson_code',
  territoryCode: 'territory_code',
  privacyBlocked: 'privacy_blocked',
  excludeFromSegments: 'exclude_from_segments',
  employees: 'employees',
  annualRevenue: 'annual_revenue_minor',
} as const satisfies Record<keyof ContactFields, keyof ContactRow>
