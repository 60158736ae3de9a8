/** Sizes and times the way docker prints them: SI units, three significant digits; UTC to the second. */

const units = ['B', 'kB', 'MB', 'GB', 'TB'];

/** `0 B`, `812 B`, `5.58 MB`, `1.2 GB`. */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Compare what would be printed, so 999,999 bytes read 1 MB rather than 1000 kB.
  while (unit < units.length - 1 && (unit === 0 ? value : Number(value.toPrecision(3))) >= 1000) {
    value /= 1000;
    unit++;
  }
  const text = unit === 0 ? String(value) : Number(value.toPrecision(3)).toString();
  return `${text} ${units[unit]}`;
}

/** `2026-11-30T22:51:56Z`: sortable, unambiguous, and what the labels hold; the text as given if unparsable. */
export function formatCreated(created: string | undefined): string {
  if (created === undefined) return '-';
  const t = Date.parse(created);
  return Number.isNaN(t) ? created : `${new Date(t).toISOString().slice(0, 19)}Z`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
