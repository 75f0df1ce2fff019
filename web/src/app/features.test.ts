import { describe, expect, it } from 'vitest'
import type { Message } from '../sdk'
import { canEdit, canRecall, changeWindowMs } from './features'

const at = Date.parse('2026-11-27T10:00:00.000Z')
const msg = (over: Partial<Message> = {}): Message => ({
  id: 'm1', conversationId: 'c', seq: 1, senderId: 'alice', clientMsgId: 'k', text: 'hi', createdAt: '2026-11-27T10:00:00.000Z', ...over,
})

describe('message action rules', () => {
  it('lets the sender edit within the window only, never a recalled message', () => {
    expect(canEdit(msg(), 'alice', at + 1000)).toBe(true)
    expect(canEdit(msg(), 'bob', at + 1000)).toBe(false)
    expect(canEdit(msg(), 'alice', at + changeWindowMs)).toBe(false)
    expect(canEdit(msg({ recalled: true }), 'alice', at)).toBe(false)
  })

  it('lets group owners and admins recall any time, others their own within the window', () => {
    const late = at + changeWindowMs + 1
    expect(canRecall(msg(), 'bob', 'admin', true, late)).toBe(true)
    expect(canRecall(msg(), 'bob', 'member', true, at)).toBe(false)
    expect(canRecall(msg(), 'alice', 'member', true, late)).toBe(false)
    expect(canRecall(msg(), 'alice', 'member', false, at)).toBe(true)
    expect(canRecall(msg(), 'bob', 'owner', false, at)).toBe(false)
  })
})
