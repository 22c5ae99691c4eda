import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A small deterministic PRNG (mulberry32): the same seed gives the same corpus on every run and machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const AUTH = 'Authentication-Results: mx.team.example; dkim=pass header.d=team.example header.s=s1\r\n'

/** A message nesting itself as message/rfc822 `depth` times, each level a forward of the next. */
function nestedRfc822(depth: number, innermost: string): string {
  let msg = innermost
  for (let d = 0; d < depth; d++) {
    msg = `${AUTH}From: Anna Sales <anna@team.example>\r\nTo: log@team.example\r\nSubject: Fwd: level ${d}\r\nMessage-ID: <nest-${depth}-${d}@team.example>\r\nContent-Type: multipart/mixed; boundary="n${d}"\r\n\r\n--n${d}\r\nContent-Type: text/plain\r\n\r\nlevel ${d}\r\n--n${d}\r\nContent-Type: message/rfc822\r\n\r\n${msg}\r\n--n${d}--\r\n`
  }
  return msg
}

/** A multipart nested `depth` levels deep, with no text anywhere. */
function nestedMultipart(depth: number): string {
  let body = 'Content-Type: text/plain\r\n\r\ndeep\r\n'
  for (let d = depth; d > 0; d--) body = `Content-Type: multipart/mixed; boundary="m${d}"\r\n\r\n--m${d}\r\n${body}--m${d}--\r\n`
  return `${AUTH}From: Anna Sales <anna@team.example>\r\nTo: thora@hekla.is\r\nSubject: deep\r\nMessage-ID: <deep-${depth}@team.example>\r\n${body}`
}

type Mutation = (raw: string, rnd: () => number) => string

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!
const at = (raw: string, rnd: () => number) => Math.floor(rnd() * raw.length)

/** The ways a message is broken; each takes a well-formed message and returns a damaged one. */
export const MUTATIONS: Record<string, Mutation> = {
  truncate: (raw, rnd) => raw.slice(0, at(raw, rnd)),
  'truncate-headers': (raw, rnd) => raw.slice(0, Math.max(1, Math.floor(rnd() * Math.max(1, raw.indexOf('\r\n\r\n') + 2)))),
  'broken-boundary': (raw, rnd) => raw.replace(/boundary="?([^";\r\n]+)"?/i, (_m, b: string) => `boundary="${b}${pick(rnd, ['x', '', '"', '--', ' '])}"`).replace(/--([A-Za-z0-9_=.-]+)--/g, (m) => (rnd() < 0.5 ? '' : m)),
  'no-boundary': (raw) => raw.replace(/;\s*boundary="?[^";\r\n]+"?/gi, ''),
  'bad-charset': (raw, rnd) => raw.replace(/charset="?[\w-]+"?/gi, () => `charset=${pick(rnd, ['x-unknown-42', 'utf-7', '"', 'utf-8"; charset=koi8-r', '', 'windows-99999', 'ISO-2022-JP-?'])}`),
  'declared-base64': (raw) => raw.replace(/Content-Type: text\/(plain|html)([^\r\n]*)\r\n/gi, 'Content-Type: text/$1$2\r\nContent-Transfer-Encoding: base64\r\n'),
  'bad-base64': (raw, rnd) => raw.replace(/(Content-Transfer-Encoding: base64\r\n(?:[^\r\n]+\r\n)*\r\n)([A-Za-z0-9+/=\r\n]+)/gi, (_m, head: string, body: string) => head + body.replace(/[A-Za-z]/g, (c) => (rnd() < 0.05 ? pick(rnd, ['!', '%', '\u0000', '=', '*']) : c))) + '\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%not base64%%%\r\n',
  'bad-quoted-printable': (raw) => raw.replace(/Content-Type: text\/plain([^\r\n]*)\r\n/i, 'Content-Type: text/plain$1\r\nContent-Transfer-Encoding: quoted-printable\r\n') + '=ZZ=\r\n=0=\r\n=',
  'huge-subject': (raw, rnd) => raw.replace(/^Subject: /im, `Subject: ${'Fwd: '.repeat(500)}${'x'.repeat(Math.floor(20_000 + rnd() * 40_000))} `),
  'huge-header-unfolded': (raw) => `X-Huge: ${'a'.repeat(300_000)}\r\n${raw}`,
  'many-headers': (raw) => `${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n${raw}`,
  'many-recipients': (raw) => raw.replace(/^To: /im, `To: ${Array.from({ length: 1500 }, (_, i) => `r${i}@x${i % 50}.example`).join(', ')}, `),
  'nul-bytes': (raw, rnd) => raw.split('').map((c) => (rnd() < 0.02 ? `\u0000${c}` : c)).join(''),
  'byte-flips': (raw, rnd) => raw.split('').map((c) => (rnd() < 0.01 ? String.fromCharCode(Math.floor(rnd() * 256)) : c)).join(''),
  'no-separator': (raw) => raw.replace('\r\n\r\n', '\r\n'),
  'bad-encoded-words': (raw, rnd) => raw.replace(/^(Subject|From|To): /gim, (m) => `${m}${pick(rnd, ['=?utf-8?B?!!!?=', '=?x-nope?Q?=FF=FE?=', '=?utf-8?Q?unterminated', '=?utf-8?B?' + 'A'.repeat(10_001) + '?=', '=?koi8-r?B?8NLJ18XU?= =?=?=', '=??='])} `),
  'bad-entities': (raw) => raw.replace(/Content-Type: text\/plain/i, 'Content-Type: text/html') + '\r\n<p>&#99999999; &#x110000; &#xFFFFFFFFFF; &#-1; &#; &amp</p>',
  'unclosed-html': (raw) => `${raw.replace(/Content-Type: text\/plain/i, 'Content-Type: text/html')}\r\n${'<script '.repeat(1000)}${'<div>'.repeat(1000)}<style`,
  'forward-storm': (raw) => raw.replace(/\r\n\r\n/, `\r\n\r\n${'---------- Forwarded message ---------\r\nFrom: a@b.c\r\n'.repeat(500)}`),
  'field-storm': (raw) => raw.replace(/\r\n\r\n/, `\r\n\r\n${Array.from({ length: 800 }, (_, i) => `${pick(() => (i % 7) / 7, ['From', 'To', 'Cc', 'Date', 'Subject', 'Sent', 'Von'])}: x${i}@y.z`).join('\r\n')}\r\n`),
  'garbage-dates': (raw, rnd) => raw.replace(/^Date: [^\r\n]*/im, `Date: ${pick(rnd, ['yesterday', 'Thu, 99 Foo 99999 99:99:99 +9999', '', '0', '\u0000', '-1e308'])}`),
  'bad-addresses': (raw, rnd) => raw.replace(/^From: [^\r\n]*/im, `From: ${pick(rnd, ['<<<@@@>>>', '"unterminated <a@b', '@', 'a@b@c@d', '=?utf-8?B?AAAA?= <>', ',,,,,', '(comment (nested (deep)))'.repeat(500)])}`),
  'nested-rfc822': (raw, rnd) => nestedRfc822(Math.floor(2 + rnd() * 60), raw),
  'nested-multipart': (_raw, rnd) => nestedMultipart(Math.floor(50 + rnd() * 450)),
  'self-referencing-rfc822': (raw) => raw.replace(/Content-Type: [^\r\n]*/i, 'Content-Type: message/rfc822') + `\r\n${raw}`,
  'binary-noise': (_raw, rnd) => String.fromCharCode(...Array.from({ length: 2000 + Math.floor(rnd() * 8000) }, () => Math.floor(rnd() * 256))),
  'empty-parts': (raw) => raw.replace(/\r\n\r\n/, '\r\n\r\n--b1\r\n--b1\r\n\r\n--b1--\r\n--b1--\r\n'),
  'lf-only-and-cr-only': (raw, rnd) => raw.replace(/\r\n/g, rnd() < 0.5 ? '\n' : '\r'),
}

/** The well-formed messages the corpus starts from: every fixture. */
export function seedMessages(fixturesDir: string): string[] {
  return readdirSync(fixturesDir).filter((n) => n.endsWith('.eml')).sort().map((n) => readFileSync(join(fixturesDir, n), 'latin1'))
}

/**
 * `count` damaged messages, deterministic for the seed: each applies one to three mutations to a fixture,
 * cycling through every mutation so each is used about equally.
 */
export function malformedCorpus(fixturesDir: string, count: number, seed = 20261203): Array<{ name: string; raw: Buffer }> {
  const rnd = prng(seed)
  const seeds = seedMessages(fixturesDir)
  const names = Object.keys(MUTATIONS)
  const out: Array<{ name: string; raw: Buffer }> = []
  for (let i = 0; i < count; i++) {
    let raw = seeds[i % seeds.length]!
    const applied = [names[i % names.length]!]
    for (let extra = Math.floor(rnd() * 3); extra > 0; extra--) applied.push(pick(rnd, names))
    for (const m of applied) raw = MUTATIONS[m]!(raw, rnd)
    out.push({ name: `${String(i).padStart(4, '0')}-${applied.join('+')}.eml`, raw: Buffer.from(raw, 'latin1') })
  }
  return out
}
