/** What the app's providers and hooks did, in order: the tests read it through GET /log. */
export const events: string[] = [];
/** What the onResponse hooks saw. */
export const responses: { status: number; durationMs: number; route: string; method: string; error: string | null }[] = [];
/** The "database": items whose transaction committed. */
export const committed: string[] = [];
