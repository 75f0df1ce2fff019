/** Pure rules of the composer's @-mention suggestions. */

/** The name being typed after an "@" that ends at the caret (not right after a name character), or null when none is. */
export function mentionQuery(text: string, caret: number): { start: number; prefix: string } | null {
  const before = text.slice(0, caret)
  const match = /(^|[^a-z0-9._-])@([a-z0-9._-]{0,32})$/i.exec(before)
  if (!match) return null
  return { start: caret - match[2]!.length - 1, prefix: match[2]!.toLowerCase() }
}

/** Members whose username or display name starts with the prefix, the typer excluded, at most `max`. */
export function mentionCandidates<T extends { id: string; username: string; displayName: string }>(
  members: readonly T[], prefix: string, meId: string, max = 6,
): T[] {
  const p = prefix.toLowerCase()
  return members
    .filter((u) => u.id !== meId && (u.username.startsWith(p) || u.displayName.toLowerCase().startsWith(p)))
    .slice(0, max)
}

/** The text with the typed '@prefix' replaced by '@username ', and where the caret goes after it. */
export function insertMention(text: string, query: { start: number; prefix: string }, username: string): { text: string; caret: number } {
  const end = query.start + 1 + query.prefix.length
  const inserted = `@${username} `
  return { text: text.slice(0, query.start) + inserted + text.slice(end), caret: query.start + inserted.length }
}
