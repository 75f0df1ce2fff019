import { describe, expect, it } from 'vitest'
import { en } from './en'
import { zhCN } from './zh-CN'
import { pick } from '.'

/** Every key path of a strings object ("errors.generic", …); functions count as leaves. */
function keys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`])
}

describe('i18n', () => {
  it('zh-CN has every key of en, and no others', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort())
  })

  it('zh-CN leaves are the same kind as in en and non-empty where en is', () => {
    const enFlat = flat(en)
    const zhFlat = flat(zhCN)
    for (const [k, v] of Object.entries(enFlat)) {
      expect(typeof zhFlat[k], k).toBe(typeof v)
      if (typeof v === 'string' && v !== '') expect(zhFlat[k], k).not.toBe('')
    }
  })

  it('an unknown or missing remembered language falls back to English', () => {
    expect(pick(null)).toBe('en')
    expect(pick('fr')).toBe('en')
    expect(pick('toString')).toBe('en')
    expect(pick('zh-CN')).toBe('zh-CN')
  })
})

function flat(value: object, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' ? Object.entries(flat(v as object, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]]))
}
