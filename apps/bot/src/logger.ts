import { pino, type Logger as PinoLogger } from 'pino'
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt'

/** The app's pino logger: JSON lines on stdout, no secrets or message bodies. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): PinoLogger {
  return destination ? pino({ level, base: { app: 'crm-bot' } }, destination) : pino({ level, base: { app: 'crm-bot' } })
}

/** Bolt's logger interface on top of pino, so Bolt's own messages land in the same log. */
export function boltLogger(log: PinoLogger): BoltLogger {
  const child = log.child({ component: 'bolt' })
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ')
  return {
    debug: (...parts: unknown[]) => child.debug(text(parts)),
    info: (...parts: unknown[]) => child.info(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => child.error(text(parts)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  }
}
