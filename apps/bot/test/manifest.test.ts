import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { CALLBACK_IDS, SLASH_COMMAND } from '../src/ids.ts'

const root = resolve(import.meta.dirname, '..')
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as Record<string, any>

/** Every Web API method the bot calls, with the bot scope Slack requires for it ('' for none). */
const SCOPE_OF_METHOD: Record<string, string> = {
  'users.info': 'users:read',
  'chat.postMessage': 'chat:write',
  'chat.getPermalink': '',
  'views.open': '',
  'views.publish': '',
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

describe('apps/bot/manifest.yml', () => {
  it('declares the slash command, the shortcut, the event and the contact picker\'s options the code listens for, all at /slack/events', () => {
    expect(manifest.features.slash_commands.map((c: any) => c.command)).toEqual([SLASH_COMMAND])
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: CALLBACK_IDS.logShortcut })])
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened'])
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true })
    expect(manifest.settings.interactivity.is_enabled).toBe(true)
    const urls = [manifest.features.slash_commands[0].url, manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, manifest.settings.interactivity.message_menu_options_url]
    expect(urls.every((u: string) => /^https:\/\/[^/]+\/slack\/events$/.test(u))).toBe(true)
    expect(manifest.features.slash_commands[0].should_escape).toBe(true)
  })

  it('asks for the scope of every Web API method the bot calls, and for no other', () => {
    const calls = new Set(sourceFiles(join(root, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`)))
    expect([...calls].filter((m) => !(m in SCOPE_OF_METHOD))).toEqual([])
    const needed = new Set(['commands', 'users:read.email', 'im:write', ...[...calls].map((m) => SCOPE_OF_METHOD[m]!).filter(Boolean)])
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed)
  })
})
