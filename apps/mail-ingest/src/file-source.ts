import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs'
import { basename, extname, join } from 'node:path'

/** One message read from disk: where it came from and its raw bytes. */
export interface FileMessage {
  /** The file, and for an mbox "file#n" (1-based). */
  file: string
  raw: Uint8Array
}

/** A path that cannot be read as mail, with a message a person can act on. */
export class MailPathError extends Error {
  override name = 'MailPathError'
}

const FROM = Buffer.from('From ', 'latin1')
const QUOTED_FROM = /^>+From /

/**
 * The messages of an mbox read a chunk at a time (an exported Sent folder may be gigabytes): split at its
 * "From " lines, ">From " quoting undone, one message in memory at a time. Text before the first "From " line
 * is not a message.
 */
export function* readMboxMessages(path: string, chunkSize = 1 << 20): Generator<Buffer> {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    throw new MailPathError(`${path} cannot be read: ${(error as Error).message}`)
  }
  try {
    const chunk = Buffer.alloc(chunkSize)
    let partial: Buffer = Buffer.alloc(0) // the start of a line whose end is not read yet
    let lines: Buffer[] | null = null // the lines of the message being read, once its "From " line was seen
    const line = (bytes: Buffer): Buffer | undefined => {
      if (bytes.subarray(0, FROM.length).equals(FROM)) {
        const done = lines
        lines = []
        return done ? Buffer.concat(done) : undefined
      }
      if (lines) lines.push(bytes[0] === 0x3e && QUOTED_FROM.test(bytes.subarray(0, 64).toString('latin1')) ? bytes.subarray(1) : bytes)
      return undefined
    }
    for (;;) {
      let read: number
      try {
        read = readSync(fd, chunk, 0, chunkSize, null)
      } catch (error) {
        throw new MailPathError(`${path} cannot be read: ${(error as Error).message}`)
      }
      if (read === 0) break
      const data = partial.length ? Buffer.concat([partial, chunk.subarray(0, read)]) : Buffer.from(chunk.subarray(0, read))
      let start = 0
      for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
        const message = line(data.subarray(start, nl + 1))
        if (message) yield message
        start = nl + 1
      }
      partial = data.subarray(start)
    }
    // A last line without a line end is content, even one starting "From " (a separator needs its line end).
    if (partial.length && lines) (lines as Buffer[]).push(partial)
    if (lines) yield Buffer.concat(lines)
  } finally {
    closeSync(fd)
  }
}

/** Splits an mbox held in memory at its "From " lines and undoes ">From " quoting. */
export function splitMbox(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1')
  const starts: number[] = []
  const re = /^From [^\r\n]*\r?\n/gm
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index)
  return starts.map((start, i) => {
    const chunk = text.slice(start, starts[i + 1] ?? text.length)
    const body = chunk.slice(chunk.indexOf('\n') + 1).replace(/^>(>*From )/gm, '$1')
    return Buffer.from(body, 'latin1')
  })
}

/** The first bytes of a file (to tell an mbox by its "From " line). */
function head(path: string, length: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const out = Buffer.alloc(length)
    return out.subarray(0, readSync(fd, out, 0, length, 0))
  } finally {
    closeSync(fd)
  }
}

function isMbox(path: string, start: Buffer): boolean {
  return extname(path).toLowerCase() === '.mbox' || (start.toString('latin1') === 'From ' && extname(path).toLowerCase() !== '.eml')
}

/**
 * The messages of one .eml file, a folder of .eml files (sorted by name), or an mbox file, one at a time (an mbox
 * is read in chunks, never whole). In a folder, an empty file is passed on as a message of its own (it ends as
 * invalid), so one bad file does not stop the rest.
 */
export function* iterateMailPath(path: string, inFolder = false): Generator<FileMessage> {
  let stat
  try {
    stat = statSync(path)
  } catch {
    throw new MailPathError(`There is no file or folder ${path}.`)
  }
  if (stat.isDirectory()) {
    const files = readdirSync(path).filter((n) => /\.(eml|mbox)$/i.test(n)).sort()
    if (files.length === 0) throw new MailPathError(`The folder ${path} has no .eml or .mbox files.`)
    for (const n of files) yield* iterateMailPath(join(path, n), true)
    return
  }
  if (stat.size === 0) {
    if (inFolder) {
      yield { file: path, raw: Buffer.alloc(0) }
      return
    }
    throw new MailPathError(`${basename(path)} is empty.`)
  }
  let start: Buffer
  try {
    start = head(path, 5)
  } catch (error) {
    throw new MailPathError(`${path} cannot be read: ${(error as Error).message}`)
  }
  if (isMbox(path, start)) {
    let n = 0
    for (const raw of readMboxMessages(path)) yield { file: `${path}#${++n}`, raw }
    if (n === 0) throw new MailPathError(`${path} is not an mbox file (no "From " separator lines).`)
    return
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new MailPathError(`${path} cannot be read: ${(error as Error).message}`)
  }
  yield { file: path, raw: bytes }
}

/** Every message of a path at once (see iterateMailPath); for small inputs such as the demo's sample mail. */
export function readMailPath(path: string, inFolder = false): FileMessage[] {
  return [...iterateMailPath(path, inFolder)]
}
