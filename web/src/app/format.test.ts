import { describe, expect, it } from 'vitest'
import { initials, linkify } from './format'

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
