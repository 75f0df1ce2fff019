import { en, type Strings } from './en'

/** The strings in use. One language today; a zh-CN module of type `Strings` can be chosen here. */
export const t: Strings = en
export type { Strings }
