import { describe, expect, it } from 'vitest'
import { notificationPreview, shouldNotify, type NotifyInput } from './notify'

const base: NotifyInput = { senderId: 'bob', seq: 5, meId: 'alice', readSeq: 4, visibility: 'hidden', permission: 'granted' }

describe('shouldNotify', () => {
  it('notifies of another member’s unread message while the tab is hidden and permission is granted', () => {
    expect(shouldNotify(base)).toBe(true)
  })

  it('stays quiet while the tab is visible', () => {
    expect(shouldNotify({ ...base, visibility: 'visible' })).toBe(false)
  })

  it('stays quiet without permission, or without the Notification API', () => {
    expect(shouldNotify({ ...base, permission: 'default' })).toBe(false)
    expect(shouldNotify({ ...base, permission: 'denied' })).toBe(false)
    expect(shouldNotify({ ...base, permission: 'unsupported' })).toBe(false)
  })

  it('never notifies of the user’s own messages (sent from another device)', () => {
    expect(shouldNotify({ ...base, senderId: 'alice' })).toBe(false)
  })

  it('stays quiet for a message already read (on another device)', () => {
    expect(shouldNotify({ ...base, readSeq: 5 })).toBe(false)
  })
})

describe('notificationPreview', () => {
  it('puts the text on one line', () => {
    expect(notificationPreview('  hello\n\nthere\tyou  ')).toBe('hello there you')
  })

  it('cuts long text at whole characters with an ellipsis', () => {
    expect(notificationPreview('abcdef', 4)).toBe('abc…')
    expect(notificationPreview('😀😀😀😀😀', 3)).toBe('😀😀…')
    expect(notificationPreview('abcd', 4)).toBe('abcd')
  })

  it('keeps markup as plain text', () => {
    expect(notificationPreview('<b>hi</b>')).toBe('<b>hi</b>')
  })
})
