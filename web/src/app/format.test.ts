import { afterEach, describe, expect, it } from 'vitest'
import { setLanguage } from '../i18n'
import { clockTime, dateLocale, dateTime, dayLabel, initials, linkify, shortTime } from './format'

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
