import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { WriteScope } from '../../src/db/write-scope'

describe('the write a caller is inside', () => {
  it('is known across awaits inside it, to each of two writes running at once, and to nothing outside', async () => {
    const scope = new WriteScope<{ name: string }>()
    const a = { name: 'a' }
    const b = { name: 'b' }
    const seen: string[] = []
    const inside = (handle: { name: string }, wait: number) =>
      scope.run(handle, async () => {
        await sleep(wait)
        seen.push(`${handle.name}:${scope.current()?.name}`)
        // A write started inside joins this one.
        await Promise.resolve().then(() => seen.push(`${handle.name} nested:${scope.current()?.name}`))
      })
    const outside = (async () => {
      await sleep(5)
      seen.push(`outside:${scope.current()?.name}`)
    })()
    await Promise.all([inside(a, 10), inside(b, 1), outside])
    expect(seen.sort()).toEqual(['a nested:a', 'a:a', 'b nested:b', 'b:b', 'outside:undefined'])
    expect(scope.current()).toBeUndefined()
    // Disabled once no write runs, and enabled again by the next.
    await scope.run(a, async () => {
      await sleep(1)
      expect(scope.current()).toBe(a)
    })
    await expect(scope.run(b, async () => Promise.reject(new Error('undone')))).rejects.toThrow('undone')
    expect(scope.current()).toBeUndefined()
  })
})
