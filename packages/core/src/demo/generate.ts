import {
  changeLog,
  classifications,
  contacts,
  numberSeries,
  salespeople,
  setup as setupQueries,
  type ClassificationKind,
  type ContactRow,
  type Flag,
  type SetupRow,
} from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { ADDRESS_FIELDS, FIELD_COLUMNS, type ClassificationChanges, type ContactFields } from '../contacts/contact.ts'
import { initialsOf, joinPersonName } from '../contacts/fields.ts'
import { derivedColumns, searchTokens } from '../contacts/index-keys.ts'
import { foldText, normalizeEmail } from '../text/normalize.ts'

/** A random number source in [0, 1). */
export type Rng = () => number

/** mulberry32: a tiny seedable PRNG; the same seed always gives the same sequence on every platform. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed used when none is given, so two runs without --seed load the same data. */
export const DEFAULT_DEMO_SEED = 20261122

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!

function pickWeighted<T>(rng: Rng, entries: ReadonlyArray<readonly [T, number]>): T {
  let total = 0
  for (const [, w] of entries) total += w
  let r = rng() * total
  for (const [value, w] of entries) {
    r -= w
    if (r < 0) return value
  }
  return entries[entries.length - 1]![0]
}

const digits = (rng: Rng, n: number): string => {
  let out = ''
  for (let i = 0; i < n; i++) out += Math.floor(rng() * 10)
  return out
}
/** Digits of a subscriber number: the first is never 0. */
const subscriber = (rng: Rng, n: number): string => String(1 + Math.floor(rng() * 9)) + digits(rng, n - 1)

type Industry = 'FISHING' | 'RETAIL' | 'WHOLESALE' | 'MANUFACT' | 'IT' | 'TOURISM' | 'ENERGY' | 'FINANCE'
type Job = 'MANAGEMENT' | 'PURCHASE' | 'SALES' | 'FINANCE' | 'IT' | 'MARKETING'
type EmailPattern = 'first' | 'first.last' | 'f.last' | 'firstl'

interface City {
  name: string
  postCodes: readonly string[]
  /** Dialling area code (Iceland: first digit of the number). */
  area: string
  county?: string
}

/** Everything that makes a generated contact look like it comes from one country. */
interface Locale {
  country: string
  language: string
  weight: number
  male: readonly string[]
  female: readonly string[]
  surname(rng: Rng, female: boolean): string
  middleName(rng: Rng, female: boolean): string | null
  cities: readonly City[]
  streets: readonly string[]
  address(street: string, houseNo: number): string
  phone(rng: Rng, city: City): string
  mobile(rng: Rng, city: City): string
  companyWords: readonly string[]
  industryWords: Record<Industry, readonly string[]>
  legalForms: ReadonlyArray<readonly [string, number]>
  companyName(word: string, industry: string, suffix: string | null, legal: string): string
  tld: string
  mailboxes: readonly string[]
  emailPatterns: ReadonlyArray<readonly [EmailPattern, number]>
  jobTitles: Record<Job, string>
  freeMail: readonly string[]
  fishingWeight: number
}

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
}
const GERMAN_TO_LATIN: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' }

/** The a-z0-9 form of a name for email addresses and domains (Þóra -> thora, Müller -> mueller, Ирина -> irina). */
function asciiWord(text: string, country: string): string {
  let s = text.toLowerCase()
  if (country === 'DE') s = s.replace(/[äöüß]/g, (c) => GERMAN_TO_LATIN[c] ?? c)
  s = s.replace(/[\u0400-\u04ff]/g, (c) => CYRILLIC_TO_LATIN[c] ?? '')
  return foldText(s).replace(/[^a-z0-9]/g, '')
}

const ICELANDIC_FATHERS = [
  'Guðmunds', 'Jóns', 'Sigurðs', 'Einars', 'Ólafs', 'Kristjáns', 'Magnús', 'Stefáns', 'Gunnars', 'Björns', 'Þórs',
  'Halldórs', 'Helga', 'Péturs', 'Árna', 'Bjarna', 'Páls', 'Haralds', 'Þorsteins', 'Friðriks', 'Ragnars', 'Harðar',
]
const RUSSIAN_SURNAMES = [
  'Соколов', 'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Новиков', 'Морозов', 'Волков',
  'Лебедев', 'Козлов', 'Орлов', 'Фёдоров', 'Белов', 'Медведев', 'Зайцев', 'Павлов', 'Виноградов', 'Богданов',
  'Вишневский', 'Покровский', 'Ковалевский',
]
const RUSSIAN_PATRONYMICS: ReadonlyArray<readonly [string, string]> = [
  ['Сергеевич', 'Сергеевна'], ['Иванович', 'Ивановна'], ['Александрович', 'Александровна'], ['Дмитриевич', 'Дмитриевна'],
  ['Андреевич', 'Андреевна'], ['Николаевич', 'Николаевна'], ['Михайлович', 'Михайловна'], ['Петрович', 'Петровна'],
  ['Владимирович', 'Владимировна'], ['Юрьевич', 'Юрьевна'],
]

const ENGLISH_INDUSTRIES: Record<Industry, readonly string[]> = {
  FISHING: ['Seafood', 'Fisheries', 'Trawlers'],
  RETAIL: ['Stores', 'Market', 'Retail'],
  WHOLESALE: ['Supply', 'Distribution', 'Trading'],
  MANUFACT: ['Engineering', 'Manufacturing', 'Works'],
  IT: ['Software', 'Systems', 'Digital'],
  TOURISM: ['Travel', 'Tours', 'Hotels'],
  ENERGY: ['Energy', 'Power', 'Renewables'],
  FINANCE: ['Capital', 'Insurance', 'Partners'],
}

/** Splits the digits after an area code into groups the way the country writes them. */
const grouped = (rest: string, sizes: number[]): string => {
  const parts: string[] = []
  let at = 0
  for (const size of sizes) {
    parts.push(rest.slice(at, at + size))
    at += size
  }
  return parts.join(' ')
}

const ICELAND: Locale = {
  country: 'IS',
  language: 'is',
  weight: 30,
  male: ['Jón', 'Sigurður', 'Guðmundur', 'Gunnar', 'Ólafur', 'Einar', 'Kristján', 'Magnús', 'Stefán', 'Jóhann', 'Björn', 'Árni', 'Helgi', 'Páll', 'Þórður', 'Ragnar', 'Halldór', 'Birgir', 'Ari', 'Hörður'],
  female: ['Þóra', 'Guðrún', 'Anna', 'Sigríður', 'Kristín', 'Margrét', 'Helga', 'Sigrún', 'Ingibjörg', 'Jóhanna', 'María', 'Katrín', 'Ásdís', 'Hildur', 'Ragnheiður', 'Eyrún', 'Auður', 'Björk', 'Sólveig', 'Þórunn'],
  surname: (rng, female) => pick(rng, ICELANDIC_FATHERS) + (female ? 'dóttir' : 'son'),
  middleName: (rng, female) => (rng() < 0.12 ? pick(rng, female ? ICELAND.female : ICELAND.male) : null),
  cities: [
    { name: 'Reykjavík', postCodes: ['101', '104', '105', '108', '110'], area: '5' },
    { name: 'Kópavogur', postCodes: ['200', '201', '203'], area: '5' },
    { name: 'Hafnarfjörður', postCodes: ['220', '221'], area: '5' },
    { name: 'Garðabær', postCodes: ['210'], area: '5' },
    { name: 'Akureyri', postCodes: ['600', '603'], area: '4' },
    { name: 'Ísafjörður', postCodes: ['400'], area: '4' },
    { name: 'Vestmannaeyjar', postCodes: ['900'], area: '4' },
    { name: 'Egilsstaðir', postCodes: ['700'], area: '4' },
    { name: 'Selfoss', postCodes: ['800'], area: '4' },
    { name: 'Húsavík', postCodes: ['640'], area: '4' },
    { name: 'Reykjanesbær', postCodes: ['230', '260'], area: '4' },
    { name: 'Grindavík', postCodes: ['240'], area: '4' },
    { name: 'Höfn', postCodes: ['780'], area: '4' },
    { name: 'Siglufjörður', postCodes: ['580'], area: '4' },
    { name: 'Neskaupstaður', postCodes: ['740'], area: '4' },
  ],
  streets: ['Laugavegur', 'Grandagarður', 'Skólavörðustígur', 'Hafnarstræti', 'Borgartún', 'Suðurlandsbraut', 'Hverfisgata', 'Aðalstræti', 'Strandgata', 'Tryggvagata', 'Glerárgata', 'Hafnargata', 'Austurvegur', 'Dalvegur'],
  address: (street, n) => `${street} ${n}`,
  phone: (rng, city) => `+354 ${city.area}${digits(rng, 2)} ${digits(rng, 4)}`,
  mobile: (rng) => `+354 ${pick(rng, ['6', '7', '8'])}${digits(rng, 2)} ${digits(rng, 4)}`,
  companyWords: ['Hekla', 'Katla', 'Esja', 'Askja', 'Norðurljós', 'Vatnajökull', 'Snæfell', 'Geysir', 'Dröfn', 'Sæberg', 'Hafborg', 'Bláskel', 'Jökull', 'Eldey', 'Drangey', 'Hrafn', 'Ögri', 'Straumur', 'Bylgja', 'Alda', 'Víkingur', 'Sleipnir', 'Huginn', 'Ljósavík', 'Gullfoss'],
  industryWords: {
    FISHING: ['Útgerð', 'Fiskvinnsla', 'Sjávarafurðir'],
    RETAIL: ['Verslun', 'Búðin'],
    WHOLESALE: ['Heildverslun', 'Dreifing'],
    MANUFACT: ['Smiðja', 'Vélsmiðja', 'Iðnaður'],
    IT: ['Hugbúnaður', 'Tækni', 'Kerfi'],
    TOURISM: ['Ferðir', 'Ferðaþjónusta', 'Hótel'],
    ENERGY: ['Orka', 'Varmi'],
    FINANCE: ['Fjárfesting', 'Eignastýring', 'Tryggingar'],
  },
  legalForms: [['ehf', 80], ['hf', 15], ['sf', 5]],
  companyName: (word, industry, suffix, legal) => [word, industry, suffix, legal].filter(Boolean).join(' '),
  tld: 'is',
  mailboxes: ['info', 'skrifstofa'],
  emailPatterns: [['first', 60], ['first.last', 25], ['firstl', 15]],
  jobTitles: { MANAGEMENT: 'Framkvæmdastjóri', PURCHASE: 'Innkaupastjóri', SALES: 'Sölustjóri', FINANCE: 'Fjármálastjóri', IT: 'Tæknistjóri', MARKETING: 'Markaðsstjóri' },
  freeMail: ['simnet.is', 'internet.is', 'gmail.com'],
  fishingWeight: 30,
}

const RUSSIA: Locale = {
  country: 'RU',
  language: 'ru',
  weight: 15,
  male: ['Иван', 'Алексей', 'Дмитрий', 'Сергей', 'Андрей', 'Михаил', 'Николай', 'Павел', 'Владимир', 'Олег', 'Егор', 'Артём', 'Юрий', 'Константин'],
  female: ['Ирина', 'Анна', 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Мария', 'Екатерина', 'Светлана', 'Юлия', 'Ксения', 'Дарья', 'Людмила', 'Вера'],
  surname: (rng, female) => {
    const male = pick(rng, RUSSIAN_SURNAMES)
    if (!female) return male
    return male.endsWith('ский') ? male.slice(0, -2) + 'ая' : male + 'а'
  },
  middleName: (rng, female) => (rng() < 0.3 ? pick(rng, RUSSIAN_PATRONYMICS)[female ? 1 : 0] : null),
  cities: [
    { name: 'Москва', postCodes: ['101000', '125009', '115035'], area: '495' },
    { name: 'Санкт-Петербург', postCodes: ['190000', '191186'], area: '812' },
    { name: 'Мурманск', postCodes: ['183038', '183010'], area: '8152' },
    { name: 'Архангельск', postCodes: ['163000'], area: '8182' },
    { name: 'Калининград', postCodes: ['236006'], area: '4012' },
    { name: 'Владивосток', postCodes: ['690091'], area: '423' },
    { name: 'Новосибирск', postCodes: ['630099'], area: '383' },
    { name: 'Екатеринбург', postCodes: ['620014'], area: '343' },
    { name: 'Казань', postCodes: ['420111'], area: '843' },
    { name: 'Петропавловск-Камчатский', postCodes: ['683000'], area: '4152' },
  ],
  streets: ['улица Ленина', 'Невский проспект', 'Тверская улица', 'улица Гагарина', 'Садовая улица', 'Морская улица', 'Набережная улица', 'Советская улица', 'улица Мира', 'улица Книповича'],
  address: (street, n) => `${street}, ${n}`,
  phone: (rng, city) => {
    const rest = subscriber(rng, 10 - city.area.length)
    return `+7 ${city.area} ${rest.length === 7 ? `${rest.slice(0, 3)}-${rest.slice(3, 5)}-${rest.slice(5)}` : `${rest.slice(0, 2)}-${rest.slice(2, 4)}-${rest.slice(4)}`}`
  },
  mobile: (rng) => `+7 9${digits(rng, 2)} ${digits(rng, 3)}-${digits(rng, 2)}-${digits(rng, 2)}`,
  companyWords: ['Северный', 'Балтийский', 'Уральский', 'Сибирский', 'Волжский', 'Невский', 'Полярный', 'Морской', 'Восточный', 'Каспийский', 'Беломорский', 'Арктический', 'Столичный', 'Южный'],
  industryWords: {
    FISHING: ['Улов', 'Рыбный Промысел', 'Траловый Флот'],
    RETAIL: ['Торговый Дом', 'Гастроном'],
    WHOLESALE: ['Оптовый Склад', 'Снабженческий Центр'],
    MANUFACT: ['Завод', 'Машиностроительный Завод'],
    IT: ['Софт', 'Вычислительный Центр'],
    TOURISM: ['Туризм', 'Турцентр'],
    ENERGY: ['Энергоресурс', 'Энергосбыт'],
    FINANCE: ['Капитал', 'Инвестиционный Фонд'],
  },
  legalForms: [['ООО', 80], ['АО', 15], ['ПАО', 5]],
  companyName: (word, industry, suffix, legal) => `${legal} «${word} ${industry}${suffix ? `-${suffix}` : ''}»`,
  tld: 'ru',
  mailboxes: ['info', 'office'],
  emailPatterns: [['first.last', 60], ['f.last', 40]],
  jobTitles: { MANAGEMENT: 'Генеральный директор', PURCHASE: 'Менеджер по закупкам', SALES: 'Коммерческий директор', FINANCE: 'Финансовый директор', IT: 'ИТ-директор', MARKETING: 'Директор по маркетингу' },
  freeMail: ['yandex.ru', 'mail.ru', 'gmail.com'],
  fishingWeight: 20,
}

const BRITAIN: Locale = {
  country: 'GB',
  language: 'en',
  weight: 15,
  male: ['James', 'Oliver', 'George', 'Harry', 'Thomas', 'William', 'Jack', 'Daniel', 'David', 'Richard', 'Mark', 'Paul'],
  female: ['Emma', 'Sophie', 'Charlotte', 'Olivia', 'Emily', 'Jessica', 'Sarah', 'Laura', 'Hannah', 'Lucy', 'Rachel', 'Claire'],
  surname: (rng) => pick(rng, ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Johnson', 'Wright', 'Walker', 'Robinson', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Clarke', 'Harris', "O'Brien", 'MacLeod']),
  middleName: () => null,
  cities: [
    { name: 'London', postCodes: ['EC1A 1BB', 'SW1A 2AA', 'E14 5AB'], area: '20' },
    { name: 'Manchester', postCodes: ['M1 1AE', 'M2 3WQ'], area: '161' },
    { name: 'Edinburgh', postCodes: ['EH1 1YZ', 'EH6 6JJ'], area: '131' },
    { name: 'Glasgow', postCodes: ['G1 1XQ'], area: '141' },
    { name: 'Aberdeen', postCodes: ['AB11 5BN'], area: '1224' },
    { name: 'Peterhead', postCodes: ['AB42 1SA'], area: '1779' },
    { name: 'Hull', postCodes: ['HU1 1NQ'], area: '1482' },
    { name: 'Grimsby', postCodes: ['DN31 1HU'], area: '1472' },
    { name: 'Bristol', postCodes: ['BS1 4DJ'], area: '117' },
    { name: 'Plymouth', postCodes: ['PL1 2AA'], area: '1752' },
  ],
  streets: ['High Street', 'Station Road', 'Harbour Road', 'Church Street', 'Victoria Road', 'Queen Street', 'Market Street', 'Dock Street'],
  address: (street, n) => `${n} ${street}`,
  phone: (rng, city) => {
    const rest = subscriber(rng, 10 - city.area.length)
    return `+44 ${city.area} ${grouped(rest, rest.length === 8 ? [4, 4] : rest.length === 7 ? [3, 4] : [6])}`
  },
  mobile: (rng) => `+44 7${digits(rng, 3)} ${digits(rng, 6)}`,
  companyWords: ['North Atlantic', 'Harbour', 'Bluewater', 'Summit', 'Redwood', 'Granite', 'Lighthouse', 'Oakfield', 'Silverline', 'Northwind', 'Brightwater', 'Kingfisher', 'Westcliff', 'Riverside', 'Highland', 'Anchor', 'Seaview', 'Ironbridge', 'Thames', 'Pennine'],
  industryWords: ENGLISH_INDUSTRIES,
  legalForms: [['Ltd', 85], ['plc', 15]],
  companyName: (word, industry, suffix, legal) => [word, industry, suffix, legal].filter(Boolean).join(' '),
  tld: 'co.uk',
  mailboxes: ['info', 'hello', 'office'],
  emailPatterns: [['first.last', 70], ['f.last', 30]],
  jobTitles: { MANAGEMENT: 'Managing Director', PURCHASE: 'Purchasing Manager', SALES: 'Sales Manager', FINANCE: 'Finance Director', IT: 'IT Manager', MARKETING: 'Marketing Manager' },
  freeMail: ['gmail.com', 'outlook.com', 'hotmail.com'],
  fishingWeight: 12,
}

const UNITED_STATES: Locale = {
  country: 'US',
  language: 'en',
  weight: 15,
  male: ['Michael', 'John', 'Robert', 'Christopher', 'Matthew', 'Joshua', 'Andrew', 'Ryan', 'Brian', 'Kevin', 'Jason', 'Tyler'],
  female: ['Jennifer', 'Ashley', 'Jessica', 'Amanda', 'Megan', 'Lauren', 'Nicole', 'Stephanie', 'Rebecca', 'Rachel', 'Emily', 'Madison'],
  surname: (rng) => pick(rng, ['Miller', 'Davis', 'Garcia', 'Rodriguez', 'Martinez', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'Harris', 'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Nguyen', 'Hill', 'Scott', 'Baker', 'Murphy']),
  middleName: (rng, female) => (rng() < 0.15 ? pick(rng, female ? UNITED_STATES.female : UNITED_STATES.male) : null),
  cities: [
    { name: 'New York', postCodes: ['10001', '10013'], area: '212', county: 'NY' },
    { name: 'Boston', postCodes: ['02108', '02110'], area: '617', county: 'MA' },
    { name: 'Gloucester', postCodes: ['01930'], area: '978', county: 'MA' },
    { name: 'Seattle', postCodes: ['98101', '98119'], area: '206', county: 'WA' },
    { name: 'Chicago', postCodes: ['60601'], area: '312', county: 'IL' },
    { name: 'Portland', postCodes: ['04101'], area: '207', county: 'ME' },
    { name: 'Anchorage', postCodes: ['99501'], area: '907', county: 'AK' },
    { name: 'San Francisco', postCodes: ['94105'], area: '415', county: 'CA' },
    { name: 'Austin', postCodes: ['78701'], area: '512', county: 'TX' },
    { name: 'Miami', postCodes: ['33131'], area: '305', county: 'FL' },
  ],
  streets: ['Main Street', 'Harbor Drive', 'Market Street', 'Commercial Street', 'Elm Street', 'Oak Avenue', 'Broadway', 'Water Street'],
  address: (street, n) => `${n * 10 + 5} ${street}`,
  phone: (rng, city) => `+1 ${city.area} ${subscriber(rng, 3)} ${digits(rng, 4)}`,
  mobile: (rng, city) => `+1 ${city.area} ${subscriber(rng, 3)} ${digits(rng, 4)}`,
  companyWords: ['Pacific', 'Cascade', 'Liberty', 'Evergreen', 'Great Lakes', 'Blue Ridge', 'Golden Gate', 'Atlantic', 'Keystone', 'Lone Star', 'Frontier', 'Prairie', 'Harborview', 'Bayside', 'Cape Ann', 'Red Rock'],
  industryWords: ENGLISH_INDUSTRIES,
  legalForms: [['Inc', 55], ['LLC', 35], ['Corp', 10]],
  companyName: (word, industry, suffix, legal) => `${[word, industry, suffix].filter(Boolean).join(' ')}, ${legal}`,
  tld: 'com',
  mailboxes: ['info', 'hello', 'contact'],
  emailPatterns: [['first.last', 50], ['firstl', 25], ['first', 25]],
  jobTitles: { MANAGEMENT: 'CEO', PURCHASE: 'Procurement Manager', SALES: 'Sales Director', FINANCE: 'CFO', IT: 'IT Director', MARKETING: 'Marketing Director' },
  freeMail: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com'],
  fishingWeight: 10,
}

const GERMANY: Locale = {
  country: 'DE',
  language: 'de',
  weight: 15,
  male: ['Lukas', 'Maximilian', 'Jonas', 'Paul', 'Felix', 'Jürgen', 'Stefan', 'Klaus', 'Thomas', 'Michael', 'Andreas', 'Tobias', 'Jörg'],
  female: ['Anna', 'Lena', 'Sophie', 'Marie', 'Laura', 'Sabine', 'Katrin', 'Ute', 'Petra', 'Julia', 'Claudia', 'Jana'],
  surname: (rng) => pick(rng, ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Krüger', 'Hartmann', 'Weiß', 'Lange', 'Köhler']),
  middleName: () => null,
  cities: [
    { name: 'Hamburg', postCodes: ['20095', '20457'], area: '40' },
    { name: 'Bremen', postCodes: ['28195'], area: '421' },
    { name: 'Bremerhaven', postCodes: ['27568'], area: '471' },
    { name: 'Kiel', postCodes: ['24103'], area: '431' },
    { name: 'Rostock', postCodes: ['18055'], area: '381' },
    { name: 'Cuxhaven', postCodes: ['27472'], area: '4721' },
    { name: 'Berlin', postCodes: ['10115', '10178'], area: '30' },
    { name: 'München', postCodes: ['80331'], area: '89' },
    { name: 'Köln', postCodes: ['50667'], area: '221' },
    { name: 'Frankfurt am Main', postCodes: ['60311'], area: '69' },
  ],
  streets: ['Hauptstraße', 'Bahnhofstraße', 'Hafenstraße', 'Schillerstraße', 'Königstraße', 'Lindenstraße', 'Goethestraße', 'Am Sandtorkai'],
  address: (street, n) => `${street} ${n}`,
  phone: (rng, city) => `+49 ${city.area} ${subscriber(rng, city.area.length <= 2 ? 8 : city.area.length === 3 ? 7 : 6)}`,
  mobile: (rng) => `+49 ${pick(rng, ['151', '152', '157', '170', '171', '176'])} ${digits(rng, 8)}`,
  companyWords: ['Nordsee', 'Ostsee', 'Elbe', 'Hanse', 'Weser', 'Rhein', 'Alpen', 'Falken', 'Adler', 'Brandt', 'Lindner', 'Sonnen', 'Kristall', 'Küsten', 'Leuchtturm'],
  industryWords: {
    FISHING: ['Fischhandel', 'Fischerei', 'Seefisch'],
    RETAIL: ['Handel', 'Markt', 'Kaufhaus'],
    WHOLESALE: ['Großhandel', 'Logistik', 'Vertrieb'],
    MANUFACT: ['Maschinenbau', 'Werke', 'Metallbau'],
    IT: ['Software', 'Informatik', 'Systemhaus'],
    TOURISM: ['Reisen', 'Touristik', 'Hotels'],
    ENERGY: ['Energie', 'Solar', 'Windkraft'],
    FINANCE: ['Finanz', 'Versicherung', 'Vermögen'],
  },
  legalForms: [['GmbH', 75], ['AG', 10], ['GmbH & Co. KG', 15]],
  companyName: (word, industry, suffix, legal) => [word, industry, suffix, legal].filter(Boolean).join(' '),
  tld: 'de',
  mailboxes: ['info', 'kontakt'],
  emailPatterns: [['first.last', 60], ['f.last', 40]],
  jobTitles: { MANAGEMENT: 'Geschäftsführer', PURCHASE: 'Einkaufsleiter', SALES: 'Vertriebsleiter', FINANCE: 'Leiter Finanzen', IT: 'IT-Leiter', MARKETING: 'Marketingleiter' },
  freeMail: ['gmx.de', 'web.de', 'gmail.com'],
  fishingWeight: 12,
}

const NORWAY: Locale = {
  country: 'NO',
  language: 'nb',
  weight: 10,
  male: ['Ola', 'Lars', 'Jon', 'Erik', 'Magnus', 'Henrik', 'Ole', 'Knut', 'Sindre', 'Håkon'],
  female: ['Kari', 'Ingrid', 'Solveig', 'Ingeborg', 'Marit', 'Silje', 'Ragnhild', 'Astrid', 'Hanne', 'Tone'],
  surname: (rng) => pick(rng, ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Berg', 'Haugen', 'Hagen', 'Johnsen', 'Bakke', 'Solberg', 'Strand', 'Lie', 'Dahl', 'Moe', 'Sæther', 'Løvås']),
  middleName: () => null,
  cities: [
    { name: 'Oslo', postCodes: ['0150', '0250'], area: '2' },
    { name: 'Bergen', postCodes: ['5003'], area: '55' },
    { name: 'Tromsø', postCodes: ['9008'], area: '77' },
    { name: 'Ålesund', postCodes: ['6002'], area: '70' },
    { name: 'Bodø', postCodes: ['8006'], area: '75' },
    { name: 'Trondheim', postCodes: ['7010'], area: '73' },
    { name: 'Stavanger', postCodes: ['4006'], area: '51' },
    { name: 'Hammerfest', postCodes: ['9600'], area: '78' },
  ],
  streets: ['Storgata', 'Kongens gate', 'Strandgata', 'Havnegata', 'Dronningens gate', 'Sjøgata'],
  address: (street, n) => `${street} ${n}`,
  phone: (rng, city) => {
    const number = (city.area + digits(rng, 8)).slice(0, 8)
    return `+47 ${grouped(number, [2, 2, 2, 2])}`
  },
  mobile: (rng) => `+47 ${pick(rng, ['4', '9'])}${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 3)}`,
  companyWords: ['Nordkapp', 'Fjord', 'Havbris', 'Lofoten', 'Polar', 'Viking', 'Nordlys', 'Kyst', 'Fjell', 'Vestland', 'Midnattsol', 'Senja'],
  industryWords: {
    FISHING: ['Fiskeri', 'Sjømat', 'Havfiske'],
    RETAIL: ['Handel', 'Butikk'],
    WHOLESALE: ['Engros', 'Distribusjon'],
    MANUFACT: ['Mekaniske Verksted', 'Industri'],
    IT: ['Data', 'Systemer'],
    TOURISM: ['Reiser', 'Turisme'],
    ENERGY: ['Kraft', 'Energi'],
    FINANCE: ['Kapital', 'Forsikring'],
  },
  legalForms: [['AS', 85], ['ASA', 15]],
  companyName: (word, industry, suffix, legal) => [word, industry, suffix, legal].filter(Boolean).join(' '),
  tld: 'no',
  mailboxes: ['post', 'firmapost'],
  emailPatterns: [['first.last', 50], ['first', 50]],
  jobTitles: { MANAGEMENT: 'Daglig leder', PURCHASE: 'Innkjøpssjef', SALES: 'Salgssjef', FINANCE: 'Økonomisjef', IT: 'IT-sjef', MARKETING: 'Markedssjef' },
  freeMail: ['gmail.com', 'online.no'],
  fishingWeight: 30,
}

const LOCALES: readonly Locale[] = [ICELAND, RUSSIA, BRITAIN, UNITED_STATES, GERMANY, NORWAY]
const LOCALE_WEIGHTS: ReadonlyArray<readonly [Locale, number]> = LOCALES.map((l) => [l, l.weight] as const)

const INDUSTRY_WEIGHTS: Record<Industry, number> = { FISHING: 0, RETAIL: 14, WHOLESALE: 12, MANUFACT: 12, IT: 12, TOURISM: 12, ENERGY: 8, FINANCE: 8 }
const JOB_WEIGHTS: ReadonlyArray<readonly [Job, number]> = [['PURCHASE', 30], ['SALES', 22], ['FINANCE', 16], ['IT', 12], ['MARKETING', 14], ['MANAGEMENT', 6]]
const COMPANY_RELATIONS: ReadonlyArray<readonly [string, number]> = [['CUST', 45], ['PROSPECT', 33], ['VEND', 12], ['PARTNER', 10]]

/** A salesperson of the generated team. */
export interface GeneratedSalesperson {
  code: string
  name: string
  email: string
  phone: string
  jobTitle: string
  /** The country whose companies this salesperson mostly looks after. */
  country: string
}

const SALES_TEAM: readonly GeneratedSalesperson[] = [
  { code: 'SG', name: 'Sigrún Gunnarsdóttir', email: 'sigrun@example.com', phone: '+354 555 0101', jobTitle: 'Sales manager', country: 'IS' },
  { code: 'MB', name: 'Mark Bennett', email: 'mark.bennett@example.com', phone: '+44 20 7946 0102', jobTitle: 'Account manager', country: 'GB' },
  { code: 'EV', name: 'Elena Volkova', email: 'elena.volkova@example.com', phone: '+7 812 555-01-03', jobTitle: 'Account manager', country: 'RU' },
  { code: 'TH', name: 'Tobias Hartmann', email: 'tobias.hartmann@example.com', phone: '+49 40 5550104', jobTitle: 'Account manager', country: 'DE' },
  { code: 'KO', name: 'Kari Olsen', email: 'kari.olsen@example.com', phone: '+47 22 55 01 05', jobTitle: 'Account manager', country: 'NO' },
  { code: 'JM', name: 'Jessica Miller', email: 'jessica.miller@example.com', phone: '+1 617 555 0106', jobTitle: 'Account manager', country: 'US' },
]

/** What to generate: how many contacts, from which seed, how many salespeople, with or without the showcase. */
export interface DemoDataOptions {
  contacts: number
  seed?: number
  /** 3-6; drawn from the seed when not given. */
  salespeople?: number
  /** Start with the hand-written demo contacts (Hekla Útgerð ehf, Þóra Guðmundsdóttir, Ирина Соколова, ...). */
  showcase?: boolean
}

/** The team of 3-6 salespeople for a seed; the same seed always gives the same team. */
export function generateSalespeople(options: Pick<DemoDataOptions, 'seed' | 'salespeople'>): GeneratedSalesperson[] {
  const rng = mulberry32((options.seed ?? DEFAULT_DEMO_SEED) ^ 0x5bd1e995)
  const count = Math.max(3, Math.min(SALES_TEAM.length, options.salespeople ?? 3 + Math.floor(rng() * 4)))
  return SALES_TEAM.slice(0, count)
}

/** One generated contact: the fields and codes a user would give `contact add`, plus its company's position. */
export interface GeneratedContact extends ContactFields, ClassificationChanges {
  type: 'company' | 'person'
  /** Position (0-based, in generation order) of the person's company; the company always comes first. */
  companyIndex: number | null
}

/** The hand-written start of the demo set: CT000001 is Hekla Útgerð ehf and CT000002 Þóra Guðmundsdóttir. */
function showcaseContacts(team: readonly GeneratedSalesperson[]): GeneratedContact[] {
  const codeFor = (country: string) => (team.find((s) => s.country === country) ?? team[0]!).code
  const none = { companyIndex: null }
  return [
    {
      ...none, type: 'company', name: 'Hekla Útgerð ehf', address: 'Grandagarður 1', postCode: '101', city: 'Reykjavík', countryCode: 'IS',
      phone: '+354 555 1234', email: 'hekla@hekla.is', website: 'www.hekla.is', languageCode: 'is', salespersonCode: codeFor('IS'),
      businessRelations: ['CUST'], industryGroups: ['FISHING'], mailingGroups: ['XMAS'],
    },
    {
      type: 'person', companyIndex: 0, firstName: 'Þóra', surname: 'Guðmundsdóttir', jobTitle: 'Framkvæmdastjóri', mobile: '+354 862 4411',
      email: 'thora@hekla.is', jobResponsibilities: ['MANAGEMENT'], mailingGroups: ['NEWSLETTER'],
    },
    { type: 'person', companyIndex: 0, firstName: 'Jón', surname: 'Sigurðsson', jobTitle: 'Innkaupastjóri', mobile: '+354 897 2310', email: 'jon@hekla.is', jobResponsibilities: ['PURCHASE'] },
    {
      ...none, type: 'company', name: 'ООО «Северный Улов»', address: 'улица Книповича, 23', postCode: '183038', city: 'Мурманск', countryCode: 'RU',
      phone: '+7 8152 45-67-89', email: 'info@severnyulov.ru', website: 'severnyulov.ru', languageCode: 'ru', salespersonCode: codeFor('RU'),
      businessRelations: ['PROSPECT'], industryGroups: ['FISHING'],
    },
    {
      type: 'person', companyIndex: 3, firstName: 'Ирина', surname: 'Соколова', jobTitle: 'Коммерческий директор', mobile: '+7 921 555-12-34',
      email: 'irina.sokolova@severnyulov.ru', jobResponsibilities: ['SALES'], mailingGroups: ['NEWSLETTER', 'EVENTS'],
    },
    {
      ...none, type: 'company', name: 'North Atlantic Seafood Ltd', address: '12 Dock Street', postCode: 'HU1 1NQ', city: 'Hull', countryCode: 'GB',
      phone: '+44 1482 610300', email: 'info@northatlanticseafood.co.uk', website: 'https://www.northatlanticseafood.co.uk', languageCode: 'en',
      salespersonCode: codeFor('GB'), businessRelations: ['CUST'], industryGroups: ['FISHING', 'WHOLESALE'],
    },
    { type: 'person', companyIndex: 5, firstName: 'Emma', surname: 'Clarke', jobTitle: 'Purchasing Manager', mobile: '+44 7700 900461', email: 'emma.clarke@northatlanticseafood.co.uk', jobResponsibilities: ['PURCHASE'] },
    // The same person typed in again without accents and without her company: a duplicate to find and merge.
    {
      ...none, type: 'person', firstName: 'Thora', surname: 'Gudmundsdottir', email: 'thora@hekla.is', city: 'Reykjavík', countryCode: 'IS',
      languageCode: 'is', salespersonCode: codeFor('IS'), businessRelations: ['PROSPECT'],
    },
  ]
}

interface CompanyState {
  index: number
  locale: Locale
  domain: string
  pattern: EmailPattern
  usedLocals: Set<string>
  persons: number
}

function emailLocal(pattern: EmailPattern, first: string, last: string): string {
  switch (pattern) {
    case 'first':
      return first
    case 'first.last':
      return `${first}.${last}`
    case 'f.last':
      return `${first.slice(0, 1)}.${last}`
    case 'firstl':
      return `${first}${last.slice(0, 1)}`
  }
}

/**
 * The contacts for a seed, in the order they are numbered: each company followed by its persons, with persons
 * of no company in between. About one company per three to four persons; the same seed and count always give
 * the same contacts. Pure: nothing is read or written.
 */
export function* generateContactData(options: DemoDataOptions): Generator<GeneratedContact> {
  const total = Math.max(0, Math.floor(options.contacts))
  const rng = mulberry32(options.seed ?? DEFAULT_DEMO_SEED)
  const team = generateSalespeople(options)
  const codes = team.map((s) => s.code)
  const preferred = new Map(team.map((s) => [s.country, s.code]))
  const showcase = options.showcase ? showcaseContacts(team).slice(0, total) : []
  yield* showcase

  const remaining = total - showcase.length
  const companyCount = remaining <= 0 ? 0 : Math.max(1, Math.round(remaining / 4))
  const personCount = remaining - companyCount
  const looseCount = Math.round(personCount * 0.08)
  const personsPer = new Uint32Array(companyCount)
  const looseAfter = new Uint32Array(companyCount)
  for (let i = 0; i < personCount - looseCount; i++) personsPer[Math.floor(rng() * companyCount)]!++
  for (let i = 0; i < looseCount; i++) looseAfter[Math.floor(rng() * companyCount)]!++

  const nameCounts = new Map<string, number>(showcase.length ? ['IS|Hekla|Útgerð', 'RU|Северный|Улов', 'GB|North Atlantic|Seafood'].map((k) => [k, 1]) : [])
  const domains = new Set<string>(['hekla.is', 'severnyulov.ru', 'northatlanticseafood.co.uk'])
  const freeMailUsed = new Set<string>()
  const salespersonFor = (country: string) => {
    const own = preferred.get(country)
    return own && rng() < 0.7 ? own : pick(rng, codes)
  }
  const mailingGroups = (newsletter: number, events: number, xmas: number) => {
    const out: string[] = []
    if (rng() < newsletter) out.push('NEWSLETTER')
    if (rng() < events) out.push('EVENTS')
    if (rng() < xmas) out.push('XMAS')
    return out
  }

  const industryWeights = new Map(
    LOCALES.map((l) => [l, (Object.entries(INDUSTRY_WEIGHTS) as Array<[Industry, number]>).map(([k, w]) => [k, k === 'FISHING' ? l.fishingWeight : w] as const)]),
  )
  const makeCompany = (index: number): [GeneratedContact, CompanyState] => {
    const locale = pickWeighted(rng, LOCALE_WEIGHTS)
    const industry = pickWeighted(rng, industryWeights.get(locale)!)
    const word = pick(rng, locale.companyWords)
    const industryWord = pick(rng, locale.industryWords[industry])
    const legal = pickWeighted(rng, locale.legalForms)
    const city = pick(rng, locale.cities)
    // A name already taken gets the city added, and then a number, as real registers force companies to do.
    const baseKey = `${locale.country}|${word}|${industryWord}`
    const seen = nameCounts.get(baseKey) ?? 0
    nameCounts.set(baseKey, seen + 1)
    let suffix: string | null = null
    if (seen > 0) {
      const cityKey = `${baseKey}|${city.name}`
      const citySeen = nameCounts.get(cityKey) ?? 0
      nameCounts.set(cityKey, citySeen + 1)
      suffix = citySeen === 0 ? city.name : `${city.name} ${citySeen + 1}`
    }
    const label = (asciiWord(word, locale.country) + asciiWord(industryWord.split(' ')[0]!, locale.country) + (suffix ? asciiWord(suffix, locale.country) : '')).slice(0, 40)
    let domain = `${label}.${locale.tld}`
    for (let n = 2; domains.has(domain); n++) domain = `${label}${n}.${locale.tld}`
    domains.add(domain)
    const relation = industry === 'FINANCE' && rng() < 0.3 ? 'BANK' : pickWeighted(rng, COMPANY_RELATIONS)
    const websiteStyle = rng()
    const company: GeneratedContact = {
      type: 'company',
      companyIndex: null,
      name: locale.companyName(word, industryWord, suffix, legal),
      address: locale.address(pick(rng, locale.streets), 1 + Math.floor(rng() * 120)),
      postCode: pick(rng, city.postCodes),
      city: city.name,
      county: city.county ?? null,
      countryCode: locale.country,
      phone: locale.phone(rng, city),
      email: `${pick(rng, locale.mailboxes)}@${domain}`,
      website: websiteStyle < 0.15 ? null : websiteStyle < 0.55 ? `www.${domain}` : websiteStyle < 0.8 ? `https://www.${domain}` : domain,
      languageCode: locale.language,
      salespersonCode: salespersonFor(locale.country),
      businessRelations: [relation],
      industryGroups: [industry],
      mailingGroups: mailingGroups(0, 0, 0.2),
    }
    const state: CompanyState = { index, locale, domain, pattern: pickWeighted(rng, locale.emailPatterns), usedLocals: new Set(), persons: 0 }
    return [company, state]
  }

  const personName = (locale: Locale) => {
    const female = rng() < 0.5
    const firstName = pick(rng, female ? locale.female : locale.male)
    const middleName = locale.middleName(rng, female)
    return { firstName, middleName: middleName === firstName ? null : middleName, surname: locale.surname(rng, female) }
  }

  const makePerson = (company: CompanyState): GeneratedContact => {
    const locale = rng() < 0.85 ? company.locale : pickWeighted(rng, LOCALE_WEIGHTS)
    const name = personName(locale)
    const first = asciiWord(name.firstName, locale.country)
    const last = asciiWord(name.surname, locale.country)
    let local = emailLocal(company.pattern, first, last)
    if (company.usedLocals.has(local)) local = `${first}.${last}`
    for (let n = 2; company.usedLocals.has(local); n++) local = `${first}.${last}${n}`
    company.usedLocals.add(local)
    const job: Job = company.persons === 0 ? 'MANAGEMENT' : pickWeighted(rng, JOB_WEIGHTS)
    company.persons++
    return {
      type: 'person',
      companyIndex: company.index,
      ...name,
      jobTitle: company.locale.jobTitles[job],
      mobile: rng() < 0.8 ? locale.mobile(rng, pick(rng, locale.cities)) : null,
      email: rng() < 0.95 ? `${local}@${company.domain}` : null,
      jobResponsibilities: [job],
      mailingGroups: mailingGroups(0.35, 0.12, 0.08),
    }
  }

  const makeLoosePerson = (): GeneratedContact => {
    const locale = pickWeighted(rng, LOCALE_WEIGHTS)
    const name = personName(locale)
    const city = pick(rng, locale.cities)
    let email: string | null = null
    if (rng() < 0.75) {
      const base = `${asciiWord(name.firstName, locale.country)}.${asciiWord(name.surname, locale.country)}`
      const domain = pick(rng, locale.freeMail)
      email = `${base}@${domain}`
      for (let n = 2; freeMailUsed.has(email); n++) email = `${base}${n}@${domain}`
      freeMailUsed.add(email)
    }
    const relation = rng()
    return {
      type: 'person',
      companyIndex: null,
      ...name,
      address: locale.address(pick(rng, locale.streets), 1 + Math.floor(rng() * 120)),
      postCode: pick(rng, city.postCodes),
      city: city.name,
      county: city.county ?? null,
      countryCode: locale.country,
      phone: rng() < 0.3 ? locale.phone(rng, city) : null,
      mobile: rng() < 0.85 ? locale.mobile(rng, city) : null,
      email,
      languageCode: locale.language,
      salespersonCode: salespersonFor(locale.country),
      businessRelations: relation < 0.5 ? ['CUST'] : relation < 0.75 ? ['PROSPECT'] : [],
      mailingGroups: mailingGroups(0.25, 0.05, 0.05),
    }
  }

  let index = showcase.length
  for (let c = 0; c < companyCount; c++) {
    const [company, state] = makeCompany(index++)
    yield company
    for (let p = 0; p < personsPer[c]!; p++, index++) yield makePerson(state)
    for (let p = 0; p < looseAfter[c]!; p++, index++) yield makeLoosePerson()
  }
}

/** What to load: the generated data plus how to write it. */
export interface GenerateContactsInput extends DemoDataOptions {
  /** Add to a database that already has contacts (refused otherwise). */
  append?: boolean
  /** Contacts per transaction (default 5000). */
  batchSize?: number
  /** Who the trace entries name (default "system:generator"). */
  actor?: Actor
  /** Called after each committed batch. */
  onProgress?: (done: number, total: number) => void
}

export interface GenerateContactsResult {
  seed: number
  contacts: number
  companies: number
  persons: number
  firstNo: string | null
  lastNo: string | null
  /** Codes of the team the contacts are assigned to. */
  salespeople: string[]
  /** Codes of the salespeople this run had to create. */
  salespeopleAdded: string[]
}

/** Persons come right after their company, so only the latest few companies need to be kept at hand. */
const RECENT_COMPANIES = 64

const LINK_FIELDS: ReadonlyArray<readonly [keyof ClassificationChanges, ClassificationKind]> = [
  ['businessRelations', 'business-relation'],
  ['industryGroups', 'industry-group'],
  ['mailingGroups', 'mailing-group'],
  ['jobResponsibilities', 'job-responsibility'],
]

/** The stored row of a generated contact, built by the same rules as `createContact` (inheritance, defaults, index columns). */
function toContactRow(g: GeneratedContact, no: string, company: ContactRow | undefined, setup: SetupRow, now: string): ContactRow {
  const fields: ContactFields = {}
  for (const key of Object.keys(FIELD_COLUMNS) as Array<keyof ContactFields>) {
    if (g[key] !== undefined) (fields as Record<string, unknown>)[key] = g[key]
  }
  if (g.type === 'person') {
    fields.name ??= joinPersonName(fields)
    fields.initials ??= initialsOf([fields.firstName, fields.middleName, fields.surname])
  }
  let inheritAddress = false
  if (company) {
    if (setup.inherit_address && !ADDRESS_FIELDS.some((f) => fields[f])) {
      inheritAddress = true
      for (const f of ADDRESS_FIELDS) (fields as Record<string, unknown>)[f] = company[FIELD_COLUMNS[f]]
    }
    if (setup.inherit_phone && !fields.phone) fields.phone = company.phone
    if (setup.inherit_salesperson && !fields.salespersonCode) fields.salespersonCode = company.salesperson_code
    if (setup.inherit_country && !fields.countryCode) fields.countryCode = company.country_code
    if (setup.inherit_language && !fields.languageCode) fields.languageCode = company.language_code
  }
  fields.countryCode ??= setup.default_country_code
  fields.languageCode ??= setup.default_language_code
  fields.salespersonCode ??= setup.default_salesperson_code
  const base: ContactRow = {
    no, type: g.type, name: fields.name!, name_folded: '', first_name: null, middle_name: null, surname: null, initials: null, job_title: null,
    salutation_code: null, company_no: company?.no ?? null, company_name: company?.name ?? null, address: null, address2: null, post_code: null,
    city: null, county: null, country_code: null, inherit_company_address: (inheritAddress ? 1 : 0) as Flag, phone: null, mobile: null,
    email: null, email2: null, website: null, language_code: null, salesperson_code: null, territory_code: null, privacy_blocked: 0,
    exclude_from_segments: 0, dup_name_key: '', email_norm: null, email2_norm: null, phone_digits: null, mobile_digits: null,
    website_domain: null, employees: null, annual_revenue_minor: null, erased_at: null, created_at: now, modified_at: now,
  }
  const columns: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields) as Array<[keyof ContactFields, unknown]>) {
    if (value !== undefined) columns[FIELD_COLUMNS[key]] = typeof value === 'boolean' ? (value ? 1 : 0) : value
  }
  const row = { ...base, ...columns } as ContactRow
  return { ...row, ...derivedColumns(row) }
}

/**
 * Loads generated contacts fast: each batch of contacts is one transaction that takes its numbers from the
 * CONTACT series at once, inserts the rows, search tokens and classification links in bulk, and leaves a trace.
 * Rows are built like `createContact` builds them, so generated contacts are found, listed and checked for
 * duplicates like any other. Refuses a database that already has contacts unless `append` is set.
 */
export async function generateContacts(deps: CoreDeps, input: GenerateContactsInput): Promise<GenerateContactsResult> {
  const total = Math.floor(input.contacts)
  if (!Number.isFinite(total) || total < 1 || total > 1_000_000) {
    throw invalidField('contacts', `The number of contacts is 1 to 1000000, not ${input.contacts}.`, '--contacts 1000')
  }
  const seed = input.seed ?? DEFAULT_DEMO_SEED
  const team = generateSalespeople({ seed, ...(input.salespeople !== undefined ? { salespeople: input.salespeople } : {}) })
  const stream = generateContactData({ ...input, seed, contacts: total })
  const batchSize = Math.max(1, input.batchSize ?? 5000)
  const actorId = input.actor?.id ?? 'system:generator'
  const now = deps.clock().toISOString()
  const result: GenerateContactsResult = {
    seed, contacts: 0, companies: 0, persons: 0, firstNo: null, lastNo: null, salespeople: team.map((s) => s.code), salespeopleAdded: [],
  }
  // Persons follow their company, sometimes in the next batch: keep the latest companies by generation position.
  const companies = new Map<number, ContactRow>()
  let setup: SetupRow | undefined
  let knownCodes: Map<ClassificationKind, Set<string>> | undefined
  let position = 0
  for (;;) {
    const batch: GeneratedContact[] = []
    while (batch.length < batchSize) {
      const next = stream.next()
      if (next.done) break
      batch.push(next.value)
    }
    if (batch.length === 0) break
    await deps.database.db.transaction().execute(async (trx) => {
      if (!setup || !knownCodes) {
        if (!input.append) {
          const existing = await contacts.count(trx)
          if (existing > 0) {
            throw new DomainError('CONTACTS_EXIST', `The database already has ${existing} contacts; generated contacts are only added to an empty database unless appending is asked for.`, { details: { existing } })
          }
        }
        for (const s of team) {
          if (await salespeople.find(trx, s.code)) continue
          await salespeople.insert(trx, {
            code: s.code, name: s.name, email: s.email, email_norm: normalizeEmail(s.email), phone: s.phone, job_title: s.jobTitle,
            slack_user_id: null, created_at: now, modified_at: now,
          })
          await changeLog.insert(trx, { at: now, actor: actorId, entity: 'salesperson', entityNo: s.code, action: 'create' })
          result.salespeopleAdded.push(s.code)
        }
        setup = await setupQueries.get(trx)
        // Codes an admin removed from the setup are left out rather than failing the load.
        knownCodes = new Map()
        for (const [, kind] of LINK_FIELDS) knownCodes.set(kind, new Set((await classifications.listCodes(trx, kind)).map((c) => c.code)))
      }
      // takeNext locks the series row for this transaction, so moving it on by the rest of the batch is safe.
      await numberSeries.takeNext(trx, 'CONTACT', now)
      const series = (await numberSeries.find(trx, 'CONTACT'))!
      const start = series.next_no - 1
      if (batch.length > 1) await numberSeries.update(trx, 'CONTACT', { next_no: start + batch.length }, now)
      const rows: ContactRow[] = []
      const tokens: Array<{ token: string; contact_no: string; name_folded: string }> = []
      batch.forEach((g, i) => {
        const no = numberSeries.formatSeriesNo(series.prefix, series.width, start + i)
        const company = g.companyIndex === null ? undefined : companies.get(g.companyIndex)
        if (g.companyIndex !== null && !company) throw new Error(`Generated person ${position + i} refers to company ${g.companyIndex}, which is not among the recent companies.`)
        const row = toContactRow(g, no, company, setup!, now)
        if (g.type === 'company') {
          companies.set(position + i, row)
          if (companies.size > RECENT_COMPANIES) companies.delete(companies.keys().next().value!)
        }
        rows.push(row)
        for (const token of searchTokens(row)) tokens.push({ token, contact_no: no, name_folded: foldText(row.name) })
      })
      await contacts.insertMany(trx, rows)
      // In token order every page of the token index is visited once per batch instead of at random.
      tokens.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0))
      await contacts.insertSearchTokens(trx, tokens)
      for (let i = 0; i < batch.length; i++) {
        for (const [field, kind] of LINK_FIELDS) {
          const codes = (batch[i]![field] ?? []).filter((c) => knownCodes!.get(kind)!.has(c))
          if (codes.length) await classifications.link(trx, kind, rows[i]!.no, codes)
        }
      }
      const from = rows[0]!.no
      const to = rows[rows.length - 1]!.no
      await changeLog.insert(trx, { at: now, actor: actorId, entity: 'contact', entityNo: from, action: 'generate', details: { seed, from, to, count: rows.length } })
      result.firstNo ??= from
      result.lastNo = to
    })
    for (const g of batch) {
      if (g.type === 'company') result.companies++
      else result.persons++
    }
    position += batch.length
    result.contacts = position
    input.onProgress?.(position, total)
  }
  deps.logger.info({ event: 'contacts.generated', seed, contacts: result.contacts, first: result.firstNo, last: result.lastNo })
  return result
}
