import { initials } from './format'

/** A round initials badge; its colour is picked from the name so people stay recognisable. */
export function Avatar({ name }: { name: string }) {
  let hash = 0
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) | 0
  return <span className={`avatar hue-${Math.abs(hash) % 8}`} aria-hidden="true">{initials(name)}</span>
}
