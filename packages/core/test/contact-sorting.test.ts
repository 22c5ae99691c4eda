import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { runCommand } from '../src/index.ts'
import { useCore } from './builders.ts'

describeEachDialect('contacts sorted in their language', (dialect) => {
  const core = useCore(dialect)
  const data = async (line: string) => (await runCommand(core.ctx, line)).data as any
  const names = (list: Array<{ name: string }>) => list.map((c) => c.name)
  // Icelandic puts Ö after Z; English puts it with O.
  const icelandic = ['Oddur Jónsson', 'Zoe Jónsdóttir', 'Örn Jónsson']

  beforeEach(async () => {
    await data('setup set default-language en')
    await data('contact add company "Hekla Útgerð ehf" --city Akureyri --language is')
    for (const name of ['Örn Jónsson', 'Zoe Jónsdóttir', 'Oddur Jónsson']) await data(`contact add person "${name}" --company CT000001 --language is`)
  })

  it('sorts contacts that share a language in that language, in search, lists and a company\'s persons', async () => {
    expect(names((await data('contact find jonss')).contacts)).toEqual(['Oddur Jónsson', 'Örn Jónsson'])
    expect(names((await data('contact find akureyri --limit 10')).contacts).filter((n: string) => n !== 'Hekla Útgerð ehf')).toEqual(icelandic)
    expect(names((await data('contact list --type person')).contacts)).toEqual(icelandic)
    expect(names((await data('contact list --type person --limit 2 --offset 1')).contacts)).toEqual(icelandic.slice(1))
    expect(names((await data('contact show CT000001')).persons)).toEqual(icelandic)
  })

  it('sorts a list of mixed languages in the team\'s language', async () => {
    await data('contact add person "Ödön Nagy" --company CT000001 --language hu')
    expect(names((await data('contact list --type person')).contacts)).toEqual(['Oddur Jónsson', 'Ödön Nagy', 'Örn Jónsson', 'Zoe Jónsdóttir'])
    await data('setup set default-language is')
    expect(names((await data('contact list --type person')).contacts)).toEqual(['Oddur Jónsson', 'Zoe Jónsdóttir', 'Ödön Nagy', 'Örn Jónsson'])
  })
})
