import { describe, expect, it } from 'vitest'
import {
  activeTypists, deliveredStatus, shouldSendTyping, typingSendIntervalMs, typingShowMs, typingStarted, typingStopped,
  withPeerRead,
} from './live'

describe('typing throttle', () => {
  it('sends the first time, then at most every 3 s', () => {
    expect(shouldSendTyping(undefined, 1000)).toBe(true)
    expect(shouldSendTyping(1000, 1000 + typingSendIntervalMs - 1)).toBe(false)
    expect(shouldSendTyping(1000, 1000 + typingSendIntervalMs)).toBe(true)
  })
})

describe('typing expiry', () => {
  it('shows a typist for about 5 s after their last event', () => {
    const typists = typingStarted(undefined, 'bob', 0)
    expect(activeTypists(typists, typingShowMs - 1)).toEqual(['bob'])
    expect(activeTypists(typists, typingShowMs)).toEqual([])
  })

  it('a new event extends the window', () => {
    const typists = typingStarted(typingStarted(undefined, 'bob', 0), 'bob', 4000)
    expect(activeTypists(typists, 8000)).toEqual(['bob'])
  })

  it('their message ends it at once, leaving others', () => {
    const typists = typingStarted(typingStarted(undefined, 'bob', 0), 'carol', 0)
    expect(activeTypists(typingStopped(typists, 'bob'), 1)).toEqual(['carol'])
    expect(typingStopped(typists, 'dave')).toBe(typists)
    expect(typingStopped(undefined, 'bob')).toBeUndefined()
  })
})

describe('read state', () => {
  it('own messages are read once a peer read marker reaches their seq', () => {
    expect(deliveredStatus(true, 5, undefined)).toBe('sent')
    expect(deliveredStatus(true, 5, { bob: 4 })).toBe('sent')
    expect(deliveredStatus(true, 5, { bob: 5 })).toBe('read')
    expect(deliveredStatus(true, 5, { bob: 2, carol: 9 })).toBe('read')
  })

  it('other people’s messages are never marked read', () => {
    expect(deliveredStatus(false, 1, { bob: 9 })).toBe('sent')
  })

  it('read markers never move back', () => {
    expect(withPeerRead({ bob: 7 }, 'bob', 3)).toEqual({ bob: 7 })
    expect(withPeerRead({ bob: 7 }, 'bob', 9)).toEqual({ bob: 9 })
    expect(withPeerRead(undefined, 'bob', 2)).toEqual({ bob: 2 })
  })
})
