import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { renderText, runCommand } from '../src/index.ts'
import { domainError, snapshotDatabase, useCore } from './builders.ts'

describeEachDialect('the fields the duplicate search compares', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string) => runCommand(core.ctx, line)
  const data = async (line: string) => (await run(line)).data as any

  beforeEach(async () => {
    await run('contact add company "Hekla Útgerð ehf" --email sala@hekla.is --phone "+354 555 1234"')
  })

  it('compares name, email, phone and website by default, and only the chosen ones once set', async () => {
    expect((await data('setup show')).duplicateFields).toEqual(['name', 'email', 'phone', 'website'])
    expect((await data('contact add company "Katla Sjávarútvegur" --email sala@hekla.is')).duplicates.map((d: { no: string }) => d.no)).toEqual(['CT000001'])
    expect((await data('setup set duplicate-fields "phone, name"')).duplicateFields).toEqual(['name', 'phone'])
    expect(renderText(await run('setup show'))).toContain('duplicate-fields     name, phone')
    // The same email no longer counts; the same phone still does.
    expect((await data('contact duplicates CT000002')).duplicates).toEqual([])
    expect((await data('contact add company "Grandi hf" --email sala@hekla.is')).duplicates).toEqual([])
    expect((await data('contact add company "Brim hf" --phone 5551234 --check')).duplicates.map((d: { no: string }) => d.no)).toEqual(['CT000001'])
    expect((await data('contact duplicates CT000001 --threshold 40')).duplicates).toEqual([])
    await run('contact edit CT000003 --phone "+354 555 1234"')
    expect((await data('contact duplicates CT000003 --threshold 40')).duplicates.map((d: { no: string; reasons: string[] }) => [d.no, d.reasons])).toEqual([['CT000001', ['same phone']]])
  })

  it('refuses an unknown field or an empty list, changing nothing', async () => {
    const before = await snapshotDatabase(core.database)
    expect((await domainError(run('setup set duplicate-fields name,colour'))).userMessage).toBe('duplicate-fields are some of name, email, phone, website; not "colour". Example: setup set duplicate-fields name,email')
    expect((await domainError(run('setup set duplicate-fields ""'))).userMessage).toContain('Give at least one of name, email, phone, website; to stop the search on create: setup set duplicate-search off.')
    expect(await snapshotDatabase(core.database)).toEqual(before)
  })
})
