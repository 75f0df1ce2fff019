import { describe, expect, it } from 'vitest'
import { insertMention, mentionCandidates, mentionQuery } from './mentionInput'

describe('mention input', () => {
  it('finds the name typed after an @ at a word start, up to the caret', () => {
    expect(mentionQuery('hi @al', 6)).toEqual({ start: 3, prefix: 'al' })
    expect(mentionQuery('@', 1)).toEqual({ start: 0, prefix: '' })
    expect(mentionQuery('mail@al', 7)).toBeNull()
    expect(mentionQuery('hi @al there', 12)).toBeNull()
    expect(mentionQuery('你好@Al', 5)).toEqual({ start: 2, prefix: 'al' })
  })

  it('offers members by username or display name, never the typer', () => {
    const members = [
      { id: 'a', username: 'alice', displayName: 'Alice' },
      { id: 'b', username: 'bob', displayName: 'Albert B' },
      { id: 'c', username: 'carol', displayName: 'Carol' },
    ]
    expect(mentionCandidates(members, 'al', 'c').map((u) => u.id)).toEqual(['a', 'b'])
    expect(mentionCandidates(members, 'al', 'a').map((u) => u.id)).toEqual(['b'])
  })

  it('replaces the typed prefix with the full name and a space', () => {
    const q = mentionQuery('hi @al and', 6)!
    expect(insertMention('hi @al and', q, 'alice')).toEqual({ text: 'hi @alice  and', caret: 10 })
  })
})
