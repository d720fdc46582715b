/** Keeps echoed bad values short. */
export function clip(value: string, length = 64): string {
  const chars = [...value]
  return chars.length > length ? `${chars.slice(0, length).join('')}…` : value
}
