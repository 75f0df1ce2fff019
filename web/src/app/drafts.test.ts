import { describe, expect, it } from 'vitest'
import { DraftStore, type DraftStorage } from './drafts'

class FakeStorage implements DraftStorage {
  readonly items = new Map<string, string>()
  getItem(key: string) { return this.items.get(key) ?? null }
  setItem(key: string, value: string) { this.items.set(key, value) }
  removeItem(key: string) { this.items.delete(key) }
}

describe('DraftStore', () => {
  it('keeps one draft per conversation', () => {
    const drafts = new DraftStore(null, 'k')
    drafts.set('c1', 'hello')
    drafts.set('c2', 'other')
    expect(drafts.get('c1')).toBe('hello')
    expect(drafts.get('c2')).toBe('other')
    expect(drafts.get('c3')).toBe('')
  })

  it('drops a draft that is emptied (sent or erased)', () => {
    const storage = new FakeStorage()
    const drafts = new DraftStore(storage, 'k')
    drafts.set('c1', 'hello')
    drafts.set('c1', '   ')
    expect(drafts.get('c1')).toBe('')
    expect(storage.items.has('k')).toBe(false)
  })

  it('survives a reload through the storage', () => {
    const storage = new FakeStorage()
    new DraftStore(storage, 'k').set('c1', 'line one\nline two')
    expect(new DraftStore(storage, 'k').get('c1')).toBe('line one\nline two')
    expect(new DraftStore(storage, 'other-user').get('c1')).toBe('')
  })

  it('forgets everything on clear', () => {
    const storage = new FakeStorage()
    const drafts = new DraftStore(storage, 'k')
    drafts.set('c1', 'secret')
    drafts.clear()
    expect(drafts.get('c1')).toBe('')
    expect(new DraftStore(storage, 'k').get('c1')).toBe('')
  })

  it('ignores unreadable stored data and failing storage', () => {
    const storage = new FakeStorage()
    storage.setItem('k', '{not json')
    expect(new DraftStore(storage, 'k').get('c1')).toBe('')
    storage.setItem('k', JSON.stringify({ c1: 42, c2: 'ok' }))
    expect(new DraftStore(storage, 'k').get('c2')).toBe('ok')
    expect(new DraftStore(storage, 'k').get('c1')).toBe('')
    const failing: DraftStorage = {
      getItem: () => { throw new Error('denied') },
      setItem: () => { throw new Error('quota') },
      removeItem: () => { throw new Error('denied') },
    }
    const drafts = new DraftStore(failing, 'k')
    drafts.set('c1', 'still here')
    expect(drafts.get('c1')).toBe('still here')
    drafts.clear()
    expect(drafts.get('c1')).toBe('')
  })
})
