import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { iterateMailPath, MailPathError, readMboxMessages, splitMbox } from '../src/index.ts'

const message = (n: number, eol: string) =>
  [`From: Þóra <thora@hekla.is>`, `Subject: Tilboð ${n}`, '', 'Hello,', '>From the harbour we ship', '>>From here too', `>From line in a body is quoted in mbox`, ''].join(eol)

describe('reading an mbox a chunk at a time', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-mbox-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('gives the messages splitting the whole file gives, for any chunk size, line ends and quoting', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = `preamble that is no message${eol}` + [1, 2, 3].map((n) => `From sender@hekla.is Mon Nov 16 09:12:00 2026${eol}${message(n, eol)}`).join('') + 'From the last line, with no line end'
      const path = join(dir, `box${eol.length}.mbox`)
      writeFileSync(path, Buffer.from(text, 'utf8'))
      const whole = splitMbox(Buffer.from(text, 'utf8'))
      expect(whole).toHaveLength(3)
      for (const size of [1, 7, 64, 1 << 20]) {
        const streamed = [...readMboxMessages(path, size)]
        expect(streamed.map((b) => b.toString('utf8'))).toEqual(whole.map((b) => b.toString('utf8')))
      }
      const first = [...readMboxMessages(path, 5)][0]!.toString('utf8')
      expect(first).toContain(`>From the harbour we ship`.slice(1))
      expect(first).toContain(`>From here too`)
      expect(first).toContain(`Subject: Tilboð 1`)
    }
  })

  it('numbers mbox messages file#n and refuses a .mbox without separator lines', () => {
    const path = join(dir, 'Sent.mbox')
    writeFileSync(path, [1, 2].map((n) => `From x@y Mon Nov 16 09:12:00 2026\n${message(n, '\n')}`).join(''))
    expect([...iterateMailPath(path)].map((m) => m.file)).toEqual([`${path}#1`, `${path}#2`])
    const empty = join(dir, 'Empty.mbox')
    writeFileSync(empty, 'just text\n')
    expect(() => [...iterateMailPath(empty)]).toThrow(MailPathError)
    expect(() => [...iterateMailPath(join(dir, 'missing.mbox'))]).toThrow(/There is no file or folder/)
  })

  it('reads a large mbox (20,000 messages) in 64 KiB chunks, message by message', () => {
    const path = join(dir, 'Big.mbox')
    const one = `From x@y Mon Nov 16 09:12:00 2026\n${message(1, '\n')}${'x'.repeat(1000)}\n`
    writeFileSync(path, one.repeat(20_000))
    const messages = readMboxMessages(path, 64 * 1024)
    const first = messages.next()
    expect(first.done).toBe(false)
    let count = 1
    for (const m of messages) {
      expect(m.length).toBe(first.value!.length)
      count++
    }
    expect(count).toBe(20_000)
  })
})
