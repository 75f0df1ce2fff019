import { language, type Language } from '../i18n'

const styles = {
  time: { hour: '2-digit', minute: '2-digit' },
  date: { month: 'short', day: 'numeric' },
  day: { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>

const cache = new Map<string, Intl.DateTimeFormat>()

/**
 * The locale dates are written in: the interface language, not the browser's (a 简体中文 interface on an English
 * browser writes Chinese dates). English keeps the browser's own English variant (en-GB's 24-hour clock) if it has one.
 */
export function dateLocale(lang: Language = language, browser: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): string {
  if (lang !== 'en') return lang
  return browser.find((l) => /^en(-|$)/i.test(l)) ?? 'en'
}

/** A formatter for the current language, made once per language and style (`language` is read on every call). */
function format(style: keyof typeof styles): Intl.DateTimeFormat {
  const locale = dateLocale()
  const key = `${locale}|${style}`
  let f = cache.get(key)
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, styles[style])))
  return f
}

/** A list timestamp: the time today, the date before. */
export function shortTime(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return d.toDateString() === now.toDateString() ? format('time').format(d) : format('date').format(d)
}

export function clockTime(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : format('time').format(d)
}

export interface TextPart {
  text: string
  href?: string
}

const urlPattern = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/gi

/** Splits message text into plain runs and http(s) links; nothing else ever becomes a link. */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(urlPattern)) {
    const start = match.index
    if (start > last) parts.push({ text: text.slice(last, start) })
    parts.push({ text: match[0], href: match[0] })
    last = start + match[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

export interface RichPart extends TextPart {
  /** An @mention the server recognised: `me` when it names the reader (or is @all), else `other`. */
  mention?: 'me' | 'other'
}

/**
 * Links (as {@link linkify}) and, in the runs between them, the mentions the server recognised: `@name` only for the
 * usernames it resolved (so a typed "@nobody" stays text), and `@all` only when the message mentions everyone.
 */
export function richText(text: string, mentionedNames: readonly string[], myName: string, mentionsAll = false): RichPart[] {
  const names = new Set(mentionedNames.map((n) => n.toLowerCase()))
  if (names.size === 0 && !mentionsAll) return linkify(text)
  const me = myName.toLowerCase()
  const out: RichPart[] = []
  for (const part of linkify(text)) {
    if (part.href) {
      out.push(part)
      continue
    }
    let last = 0
    for (const match of part.text.matchAll(/@([a-z0-9._-]{1,32})/gi)) {
      const name = match[1]!.toLowerCase()
      const known = name === 'all' ? mentionsAll : names.has(name)
      // Not after a name character: "mail@alice" is an address; "你好@alice" is a mention.
      const before = match.index > 0 ? part.text[match.index - 1]! : ' '
      if (!known || /[a-z0-9._-]/i.test(before)) continue
      if (match.index > last) out.push({ text: part.text.slice(last, match.index) })
      out.push({ text: match[0], mention: name === me || name === 'all' ? 'me' : 'other' })
      last = match.index + match[0].length
    }
    if (last < part.text.length) out.push({ text: part.text.slice(last) })
  }
  return out
}

/** A file size for people: 999 B, 1.2 KB, 3.4 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** Initials for an avatar: the first letters of up to two words. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  return (words.length > 1 ? words[0]![0]! + words[1]![0]! : (words[0] ?? '?').slice(0, 2)).toUpperCase()
}

/** The day a message belongs to, for separators: '' when unknown (a pending send joins the day above it). */
export function dayLabel(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : format('day').format(d)
}

/** A full date and time (session list). */
export function dateTime(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : format('dateTime').format(d)
}
