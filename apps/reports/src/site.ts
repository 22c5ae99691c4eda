import { messages as m } from './messages.ts'

/**
 * The pages of the site, in navigation order. A page for new data (segments, campaigns) is one file under
 * src/pages plus one entry here, added when that data exists.
 */
export const PAGES = [
  { href: 'index.html', label: m.nav.overview },
  { href: 'pipeline.html', label: m.nav.pipeline },
  { href: 'activity.html', label: m.nav.activity },
] as const
