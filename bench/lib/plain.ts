import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fetchReply, type Reply } from './gateway'
import { freePort, spawnNode, waitForHttp, type Child } from './processes'

/**
 * Starts the plain node:http baseline replaying one of the gateway's replies (body and headers)
 * and checks that it sends exactly those bytes. Its files are written to workDir.
 */
export async function startPlain(reply: Reply, name: string, workDir: string): Promise<{ child: Child; url: string }> {
  const file = join(workDir, `${name.replace(/\W+/g, '-')}.body`)
  writeFileSync(file, reply.body)
  writeFileSync(`${file}.headers.json`, JSON.stringify(reply.headers))
  const port = await freePort()
  const child = spawnNode(`plain server (${name})`, 'bench/plain-server.ts', {
    args: [String(port), file, `${file}.headers.json`],
  })
  const url = `http://127.0.0.1:${port}/`
  await waitForHttp(url, child)
  // The baseline must send what the gateway sends, byte for byte: the same body and headers.
  const echo = await fetchReply(url)
  if (!echo.body.equals(reply.body) || JSON.stringify(echo.headers) !== JSON.stringify(reply.headers)) {
    throw new Error(`${child.name} does not replay the gateway's reply`)
  }
  return { child, url }
}
