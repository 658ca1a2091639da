// A Go module proxy on 127.0.0.1 for the image tests, and a module only it serves.
//
// The server answers GET requests with files from its roots, in order: the GOPROXY protocol's
// layout is the one of `$(go env GOMODCACHE)/cache/download`, so a module cache filled by
// `go mod tidy` can be served as it is. Every request path is recorded, so a test can tell that
// a build inside a container really fetched through it (buildah's chroot isolation shares the
// host's network, so 127.0.0.1 reaches it from a RUN).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

/**
 * Starts the proxy. Paths that escape a root or do not exist get 404, which makes the go command
 * try the next entry of GOPROXY (or fail when there is none).
 * @param {string[]} roots
 * @param {{ host?: string, onRequest?: (path: string) => void }} [o] the address to listen on
 *   (127.0.0.1), and a callback for each request
 * @returns {Promise<{ url: string, requests: string[], close: () => Promise<void> }>}
 */
export async function startModProxy(roots, { host = '127.0.0.1', onRequest } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    onRequest?.(path);
    const rel = normalize(path).replace(/^\/+/, '');
    for (const root of roots) {
      if (rel.startsWith('..')) break;
      const file = join(root, rel);
      try {
        if (!statSync(file).isFile()) continue;
      } catch {
        continue;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A zip archive of stored (uncompressed) entries: all a module zip needs. */
export function zipStored(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBuf = Buffer.from(name);
    const data = Buffer.from(text);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/**
 * Writes a module version in GOPROXY layout under root: list, .info, .mod and .zip. The module
 * path must be lower case (no `!` escaping here).
 * @param {string} root
 * @param {string} modulePath
 * @param {string} version
 * @param {Record<string, string>} files relative path → content; go.mod is added
 */
export function writeProxyModule(root, modulePath, version, files) {
  const dir = join(root, modulePath, '@v');
  mkdirSync(dir, { recursive: true });
  const gomod = `module ${modulePath}\n\ngo 1.18\n`;
  const prefix = `${modulePath}@${version}/`;
  const entries = { [`${prefix}go.mod`]: gomod };
  for (const [name, text] of Object.entries(files)) entries[prefix + name] = text;
  writeFileSync(join(dir, 'list'), `${version}\n`);
  writeFileSync(join(dir, `${version}.info`), JSON.stringify({ Version: version, Time: new Date().toISOString() }));
  writeFileSync(join(dir, `${version}.mod`), gomod);
  writeFileSync(join(dir, `${version}.zip`), zipStored(entries));
}

// `node test/e2e/modproxy.mjs serve HOST ROOT...`: the same proxy as a process of its own, for a
// network namespace the test process is not in (the suite's Docker Engine's): it prints
// {"url": …} on its first line, then each request's path on a line of its own.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') {
  const [host = '127.0.0.1', ...roots] = process.argv.slice(3);
  const proxy = await startModProxy(roots, { host, onRequest: (p) => console.log(p) });
  console.log(JSON.stringify({ url: proxy.url }));
}
