// @vitest-environment node
/**
 * The SDK against a real server: opt-in, run with
 *   TOKENIM_URL=http://127.0.0.1:8080 NODE_OPTIONS=--experimental-websocket npx vitest run src/sdk/live.test.ts
 * (Node 20's global WebSocket is behind that flag.) Skipped when TOKENIM_URL is not set.
 */
import { describe, expect, it } from 'vitest'
import { TokenImRealtime, type WebSocketLike } from './realtime'
import { TokenImRest } from './rest'
import type { Message } from './types'

// Read without @types/node in the app's tsconfig (this one file runs in Node).
const base = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.TOKENIM_URL
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.skipIf(!base || typeof WebSocket === 'undefined')('SDK against a live server', () => {
  it('delivers in order, catches up after a dropped socket, and acks a resend once', async () => {
    const suffix = Date.now().toString(36)
    const alice = new TokenImRest({ baseUrl: base })
    const bob = new TokenImRest({ baseUrl: base })
    const a = await alice.register(`alice-${suffix}`, 'Correct-horse-42x')
    await bob.register(`bob-${suffix}`, 'Correct-horse-42x')
    const conversation = await bob.createDirect(a.user.id)

    const got: Message[] = []
    const sockets: WebSocketLike[] = []
    const rt = new TokenImRealtime({
      rest: alice, url: base!.replace(/^http/, 'ws') + '/ws', initialCursor: () => 0,
      createSocket: (url, p) => {
        const s = new WebSocket(url, p) as unknown as WebSocketLike
        sockets.push(s)
        return s
      },
    }, { message: (m) => got.push(m) })
    rt.start()
    await until(() => rt.state === 'online')

    for (let i = 1; i <= 3; i++) await bob.sendMessage(conversation.id, `b${i}-${suffix}`, `hello ${i}`)
    await until(() => got.length === 3)

    sockets.at(-1)!.close() // the socket drops; bob goes on writing
    await until(() => rt.state !== 'online')
    for (let i = 4; i <= 5; i++) await bob.sendMessage(conversation.id, `b${i}-${suffix}`, `hello ${i}`)
    rt.send(conversation.id, 'queued while away', `a1-${suffix}`)
    await until(() => got.length === 6, 10000)

    expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(got[5]).toMatchObject({ senderId: a.user.id, clientMsgId: `a1-${suffix}`, text: 'queued while away' })
    const page = await bob.messages(conversation.id)
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6])
    rt.stop()
  })
})
