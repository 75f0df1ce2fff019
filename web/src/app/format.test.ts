import { afterEach, describe, expect, it } from 'vitest'
import { setLanguage } from '../i18n'
import { clockTime, dateLocale, dateTime, dayLabel, initials, linkify, shortTime, fileSize, richText } from './format'

describe('linkify', () => {
  it('makes only http(s) URLs links and keeps the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1, and javascript:alert(1)')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: ', and javascript:alert(1)' },
    ])
  })

  it('returns plain text untouched', () => {
    expect(linkify('<b>hi</b>')).toEqual([{ text: '<b>hi</b>' }])
  })
})

describe('initials', () => {
  it('takes two words or two letters', () => {
    expect(initials('Alice Liddell')).toBe('AL')
    expect(initials('bob')).toBe('BO')
  })
})

describe('dates follow the interface language', () => {
  const iso = '2026-11-27T12:30:00Z'
  afterEach(() => setLanguage('en'))

  it('writes Chinese dates once 简体中文 is chosen, and English again after switching back', () => {
    setLanguage('zh-CN')
    expect(dayLabel(iso)).toMatch(/2026年11月2[78]日/)
    expect(dateTime(iso)).toMatch(/2026年11月2[78]日/)
    expect(shortTime(iso, new Date('2026-01-01T12:00:00Z'))).toMatch(/^11月2[78]日$/)

    setLanguage('en')
    expect(dayLabel(iso)).toMatch(/Nov 2[78], 2026/)
    expect(dayLabel(iso)).not.toMatch(/[年月日]/)
  })

  it('keeps the clock readable in both', () => {
    setLanguage('zh-CN')
    expect(clockTime(iso)).toMatch(/\d{2}:30/)
    setLanguage('en')
    expect(clockTime(iso)).toMatch(/\d{2}:30/)
  })

  it('takes the English variant from the browser, else plain English; Chinese regardless of the browser', () => {
    expect(dateLocale('en', ['de-DE', 'en-GB'])).toBe('en-GB')
    expect(dateLocale('en', ['fr-FR'])).toBe('en')
    expect(dateLocale('zh-CN', ['en-US'])).toBe('zh-CN')
  })
})

describe('richText', () => {
  it('marks only the mentions the server resolved, and the reader\'s own as me', () => {
    const parts = richText('hi @Alice and @bob, not @carol; mail@alice.dev', ['alice', 'bob'], 'bob')
    expect(parts.filter((p) => p.mention).map((p) => [p.text, p.mention])).toEqual([['@Alice', 'other'], ['@bob', 'me']])
    expect(parts.map((p) => p.text).join('')).toBe('hi @Alice and @bob, not @carol; mail@alice.dev')
  })

  it('marks @all only when the message mentions everyone, and never inside a link', () => {
    expect(richText('@all look', [], 'bob', false).some((p) => p.mention)).toBe(false)
    expect(richText('@all look', [], 'bob', true)[0]).toEqual({ text: '@all', mention: 'me' })
    const linked = richText('see https://x.dev/@alice', ['alice'], 'bob')
    expect(linked.find((p) => p.href)?.text).toBe('https://x.dev/@alice')
    expect(linked.some((p) => p.mention)).toBe(false)
  })
})

describe('fileSize', () => {
  it('writes bytes, kilobytes and megabytes', () => {
    expect(fileSize(999)).toBe('999 B')
    expect(fileSize(1234)).toBe('1.2 KB')
    expect(fileSize(25 * 1024 * 1024)).toBe('26 MB')
  })
})
