import { describe, expect, it } from 'vitest'
import { cleanEmailSubject, hasForwardPrefix } from '@crm/core'
import { dateHeaderOffset, parseForwardDate, readInlineForward } from '../src/index.ts'

describe('inline forwards', () => {
  it('reads an English Outlook block with [mailto:] addresses and Cc', () => {
    const text = 'See below\n\n________________________________\nFrom: Hans Müller [mailto:hans@mueller.de]\nSent: Monday, November 16, 2026 9:12 AM\nTo: Anna Sales <anna@team.example>\nCc: Ops <ops@nordfish.no>\nSubject: Offer\n\nBody'
    const f = readInlineForward(text, 'FW: Offer')
    expect(f).toMatchObject({ note: 'See below', from: { address: 'hans@mueller.de' }, subject: 'Offer', date: '2026-11-16T09:12:00.000Z' })
    expect(f!.cc.map((a) => a.address)).toEqual(['ops@nordfish.no'])
  })

  it('reads a Russian Gmail block (От/Дата/Тема/Кому)', () => {
    const text = 'Смотри\n\n---------- Пересылаемое сообщение ---------\nОт: Ирина <irina@rosfish.ru>\nДата: пн, 16 нояб. 2026 г. в 09:12\nТема: Заказ\nКому: <anna@team.example>\n\nПривет'
    expect(readInlineForward(text, null)).toMatchObject({ note: 'Смотри', from: { address: 'irina@rosfish.ru' }, subject: 'Заказ', date: '2026-11-16T09:12:00.000Z', body: 'Привет' })
  })

  it('reads an Icelandic Outlook on the web block whose fields are apart by blank lines (HTML made text)', () => {
    const text = 'Sæl öll\n\n________________________________\n\nFrá: Þóra Guðmundsdóttir <thora@hekla.is>\n\nSent: þriðjudagur, 3. mars 2026 10:15\n\nTil: Anna Sales <anna@team.example>\n\nAfrit: Ægir Örn Þórðarson <aegir@hekla.is>\n\nEfni: Tilboð í þorskflök\n\nSæl Anna,\n\nVið óskum eftir tilboði.'
    const f = readInlineForward(text, 'FW: Tilboð í þorskflök')
    expect(f).toMatchObject({ note: 'Sæl öll', from: { address: 'thora@hekla.is', name: 'Þóra Guðmundsdóttir' }, subject: 'Tilboð í þorskflök', date: '2026-03-03T10:15:00.000Z', body: 'Sæl Anna,\n\nVið óskum eftir tilboði.' })
    expect(f!.to.map((a) => a.address)).toEqual(['anna@team.example'])
    expect(f!.cc).toEqual([{ address: 'aegir@hekla.is', name: 'Ægir Örn Þórðarson' }])
  })

  it('ends a forward block at a blank line when the next field was already given: it is the body', () => {
    const text = 'FYI\n\n________________________________\n\nFrom: Hans <hans@mueller.de>\n\nSubject: Offer\n\nTo: whom it may concern\n\nwe need cod.'
    expect(readInlineForward(text, 'FW: Offer')).toMatchObject({ from: { address: 'hans@mueller.de' }, subject: 'Offer', to: [], body: 'To: whom it may concern\n\nwe need cod.' })
  })

  it('finds no forward in ordinary mail', () => {
    expect(readInlineForward('Hello,\nfrom: the team\nthanks', null)).toBeUndefined()
  })

  it('reads forward dates in several languages', () => {
    expect(parseForwardDate('Mon, 16 Nov 2026 at 09:12')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('16. nóv. 2026 kl. 09:12')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('Montag, 16. November 2026 09:12')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('16.11.2026, 09:12 +0300')).toBe('2026-11-16T06:12:00.000Z')
    // Apple Mail writes the zone as a name or as GMT+H.
    expect(parseForwardDate('16. November 2026 um 10:12:00 MEZ')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('16. Juli 2026 um 11:12:00 MESZ')).toBe('2026-07-16T09:12:00.000Z')
    expect(parseForwardDate('16 ноября 2026 г. в 12:12:00 GMT+3')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('Mo., 16. Nov. 2026 um 09:12 Uhr')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('sometime')).toBeNull()
  })

  it('reads a time written without a zone in the zone it is given (the forwarder\'s), one with a zone in its own', () => {
    expect(parseForwardDate('Tuesday, March 3, 2026 10:15 AM', 180)).toBe('2026-03-03T07:15:00.000Z')
    expect(parseForwardDate('þriðjudagur, 3. mars 2026 10:15', 180)).toBe('2026-03-03T07:15:00.000Z')
    expect(parseForwardDate('вторник, 3 марта 2026 г. 10:15', 180)).toBe('2026-03-03T07:15:00.000Z')
    expect(parseForwardDate('Monday, November 16, 2026 9:12 PM', -300)).toBe('2026-11-17T02:12:00.000Z')
    expect(parseForwardDate('11/16/2026 9:12 PM', -300)).toBe('2026-11-17T02:12:00.000Z')
    // A zone the line gives wins over the forwarder's.
    expect(parseForwardDate('16. November 2026 um 10:12:00 MEZ', 180)).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('16 ноября 2026 г. в 12:12:00 GMT+3', -300)).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('16 ноября 2026 г. в 12:12 MSK', 0)).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('Mon, 16 Nov 2026 10:12:00 +0100', 180)).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('Mon, 16 Nov 2026 01:12:00 PST', 180)).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('November 16, 2026 at 9:12:00 AM GMT', 180)).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('16 Nov 2026 12:12 (UTC+03:00)', -300)).toBe('2026-11-16T09:12:00.000Z')
    // French and Spanish Tuesday are not March.
    expect(parseForwardDate('mardi 17 novembre 2026 09:12')).toBe('2026-11-17T09:12:00.000Z')
    expect(parseForwardDate('martes, 17 de noviembre de 2026 9:12')).toBe('2026-11-17T09:12:00.000Z')
  })

  it('reads forward dates the same whatever zone the machine runs in', () => {
    const before = process.env.TZ
    const read = () => ['Monday, November 16, 2026 9:12 AM', 'þriðjudagur, 3. mars 2026 10:15', '11/16/2026 9:12 AM', 'Mon, 16 Nov 2026 at 09:12'].map((d) => parseForwardDate(d, 60))
    try {
      process.env.TZ = 'UTC'
      const utc = read()
      expect(utc).toEqual(['2026-11-16T08:12:00.000Z', '2026-03-03T09:15:00.000Z', '2026-11-16T08:12:00.000Z', '2026-11-16T08:12:00.000Z'])
      for (const tz of ['America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']) {
        process.env.TZ = tz
        expect({ tz, dates: read() }).toEqual({ tz, dates: utc })
      }
    } finally {
      if (before === undefined) delete process.env.TZ
      else process.env.TZ = before
    }
  })

  it('takes the zone of a message\'s own Date header', () => {
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00 +0300')).toBe(180)
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00 -0500 (EST)')).toBe(-300)
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00 +0530')).toBe(330)
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00 GMT')).toBe(0)
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00 EDT')).toBe(-240)
    // "-0000" says the zone is unknown; no zone or no header are unknown too.
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00 -0000')).toBeUndefined()
    expect(dateHeaderOffset('Tue, 3 Mar 2026 11:02:00')).toBeUndefined()
    expect(dateHeaderOffset('Thu, 99 Foo 99999 99:99:99 +9999')).toBeUndefined()
    expect(dateHeaderOffset(undefined)).toBeUndefined()
  })

  it('reads every level of a forward of a forward in the forwarder\'s zone', () => {
    const text = 'FYI\n\n________________________________\nFrom: Bjorn <bjorn@team.example>\nSent: Tuesday, March 3, 2026 10:30 AM\nTo: Anna <anna@team.example>\nSubject: FW: Order\n\n\n________________________________\nFrom: Irina <irina@rosfish.ru>\nSent: Tuesday, March 3, 2026 10:15 AM\nTo: Bjorn <bjorn@team.example>\nSubject: Order\n\nPlease confirm.'
    expect(readInlineForward(text, 'FW: FW: Order', 180)).toMatchObject({ note: 'FYI', from: { address: 'irina@rosfish.ru' }, date: '2026-03-03T07:15:00.000Z', body: 'Please confirm.' })
    expect(readInlineForward(text, 'FW: FW: Order')).toMatchObject({ date: '2026-03-03T10:15:00.000Z' })
  })

  it('strips forward prefixes of every language from subjects, keeping Re:', () => {
    expect(cleanEmailSubject('Fwd: FW: WG: Пересл: Áfram: Re: Offer')).toBe('Re: Offer')
    expect(cleanEmailSubject('  ')).toBe('(no subject)')
  })

  it('strips Outlook\'s localized forward prefixes, the short ones only before a colon and a space', () => {
    for (const prefix of ['VS', 'VB', 'Doorst', 'PD', 'VL', 'I', 'PŘ', 'Továbbítás', 'İLT', 'ΠΡΘ', 'TR', 'RV', 'ENC', 'WG']) {
      expect(hasForwardPrefix(`${prefix}: Offer`), prefix).toBe(true)
      expect(cleanEmailSubject(`${prefix}: Offer`), prefix).toBe('Offer')
    }
    expect(cleanEmailSubject('转发：报价')).toBe('报价')
    expect(cleanEmailSubject('VS: VB: Fwd: Re: Offer')).toBe('Re: Offer')
    for (const subject of ['I:x', 'PD:12 units', 'VS:final', 'Investment', 'Vsauce', 'Re: VS: Offer', 'Idea: more cod']) {
      expect(hasForwardPrefix(subject), subject).toBe(false)
      expect(cleanEmailSubject(subject)).toBe(subject)
    }
  })

  it('reads localized Outlook dates: Polish, Finnish (9.12), Italian, Dutch and Swedish month names', () => {
    expect(parseForwardDate('poniedziałek, 16 listopada 2026 09:12')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('maanantai 16. marraskuuta 2026 9.12')).toBe('2026-11-16T09:12:00.000Z')
    expect(parseForwardDate('lunedì 16 maggio 2026 09:12')).toBe('2026-05-16T09:12:00.000Z')
    expect(parseForwardDate('maandag 16 maart 2026 09:12')).toBe('2026-03-16T09:12:00.000Z')
    expect(parseForwardDate('den 16 maj 2026 09:12')).toBe('2026-05-16T09:12:00.000Z')
    expect(parseForwardDate('16.11.2026 9.12')).toBe('2026-11-16T09:12:00.000Z')
  })
})
