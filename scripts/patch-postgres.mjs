// Patches the PostgreSQL driver (postgres.js 3.4.9, the latest release) at install time (npm's
// postinstall), for open upstream defects that take the process down or wedge the pool when the
// server terminates connections (a restart, a failover, pg_terminate_backend):
//  - #1208 / #1133: a write on a connection whose socket has closed throws a TypeError from a setImmediate
//    (an uncaught exception: the process dies). It happens on every killed transaction, because begin()
//    writes ROLLBACK on the dead connection; the bytes then stay queued and are sent in front of the next
//    StartupMessage, so that connection hangs for connect_timeout (30 s) on every later use.
//  - #1215 / #1186 / #1155: begin() rejects when its connection closes, but the callback goes on; its later
//    queries reach the same connection object after the pool reconnected it for someone else (outside the
//    transaction, or inside another one), and queries queued inside the transaction never settle.
//  - #1215 (second half): the dead backend's error and half-read query stay on the connection object and
//    reach the first query after it reconnects (rejected with the old error, or resolved with no rows);
//    queries pipelined onto a connection between its socket's 'error' and 'close' events are never
//    settled, and the reconnected connection waits for their answers forever (found by
//    test/faults/connection-storm.test.ts; not reported upstream as far as we know).
//  - #1192: the pg_type lookup on every new connection is not awaited: when the server kills the
//    connection during it, the rejection is unhandled (and Node's default is to exit).
// Each fix is a small text replacement of the shipped source (ESM and CJS builds), marked with a comment;
// the script is idempotent and refuses any other driver version (re-check those issues, then update it).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DRIVER = path.join(ROOT, "node_modules", "postgres");
const VERSION = "3.4.9";
const BUILDS = ["src", "cjs/src"];

const FIXES = [
  {
    file: "connection.js",
    id: "closed-execute",
    find: `  function execute(q) {
    if (terminated)
      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))
`,
    add: `    if (socket === null) /* expulsion-bot patch: closed-execute */
      return (queryError(q, Errors.connection('CONNECTION_CLOSED', options)), true)
`,
  },
  {
    file: "connection.js",
    id: "nextwrite-null-socket",
    find: `  function nextWrite(fn) {
`,
    add: `    if (socket === null) /* expulsion-bot patch: nextwrite-null-socket */
      return (chunk = nextWriteTimer = null, true)
`,
  },
  {
    file: "connection.js",
    id: "closed-drops-pending-write",
    find: `  async function closed(hadError) {
    incoming = Buffer.alloc(0)
    remaining = 0
    incomings = null
    clearImmediate(nextWriteTimer)
`,
    add: `    chunk = nextWriteTimer = null /* expulsion-bot patch: closed-drops-pending-write */
`,
  },
  {
    // The dead backend's FATAL error and its half-read query must not meet the first query after reconnect
    // (which was rejected with the old error, or resolved with the old rows). And every query given to the
    // connection is settled when it closes: upstream skips that after a socket error, yet the pool may
    // pipeline more queries onto it between the 'error' and 'close' events; they stayed in its queue, and
    // after the reconnect the connection waited forever for answers to queries it never sent.
    file: "connection.js",
    id: "closed-resets-state-v2",
    find: `    if (initial)
      return reconnect()

    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
`,
    replace: `    errorResponse = null /* expulsion-bot patch: closed-resets-state-v2 */
    if (initial) {
      query && (queryError(query, Errors.connection('CONNECTION_CLOSED', options)), query = null)
      while (sent.length)
        queryError(sent.shift(), Errors.connection('CONNECTION_CLOSED', options))
      return reconnect()
    }

    if (query || sent.length)
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
    query = results = null
    result = new Result()
    rows = 0
`,
  },
  {
    file: "connection.js",
    id: "types-rejection",
    find: `        return fetchArrayTypes()`,
    replace: `        return fetchArrayTypes().catch(noop) /* expulsion-bot patch: types-rejection */`,
  },
  {
    file: "index.js",
    id: "tx-closed",
    find: `      , prepare = null

    try {
      await sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute }).execute()
      return await Promise.race([
        scope(connection, fn),
        new Promise((_, reject) => connection.onclose = reject)
      ])`,
    replace: `      , prepare = null
      , closedError = null /* expulsion-bot patch: tx-closed */

    try {
      await sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute }).execute()
      return await Promise.race([
        scope(connection, fn),
        new Promise((_, reject) => connection.onclose = e => {
          closedError = e
          while (queries.length)
            queries.shift().reject(e)
          reject(e)
        })
      ])`,
  },
  {
    file: "index.js",
    id: "tx-closed-handler",
    find: `      function handler(q) {
        q.catch(e => uncaughtError || (uncaughtError = e))
`,
    replace: `      function handler(q) {
        if (closedError) /* expulsion-bot patch: tx-closed-handler */
          return q.reject(closedError)
        q.catch(e => uncaughtError || (uncaughtError = e))
`,
  },
];

const marker = (id) => `/* expulsion-bot patch: ${id} */`;
const read = (build, file) => readFileSync(path.join(DRIVER, build, file), "utf8");

/** The installed driver's version, or null when it is not installed. */
export function driverVersion() {
  try {
    return JSON.parse(readFileSync(path.join(DRIVER, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

/** True when every fix is in both builds of the installed driver. */
export function driverPatched() {
  return BUILDS.every((build) => FIXES.every((f) => read(build, f.file).includes(marker(f.id))));
}

/** Applies the missing fixes; throws when the driver is another version or an anchor is not found. */
export function patchDriver() {
  const version = driverVersion();
  if (version === null) return 0;
  if (version !== VERSION) {
    throw new Error(
      `postgres ${version} is installed; scripts/patch-postgres.mjs fixes ${VERSION}. Check whether this ` +
        "version fixes porsager/postgres #1208, #1215 and #1192, then update or remove the script.",
    );
  }
  let applied = 0;
  for (const build of BUILDS) {
    for (const f of FIXES) {
      const file = path.join(DRIVER, build, f.file);
      const text = readFileSync(file, "utf8");
      if (text.includes(marker(f.id))) continue;
      const at = text.indexOf(f.find);
      if (at < 0 || text.indexOf(f.find, at + 1) >= 0) {
        throw new Error(
          `${build}/${f.file}: the text that fix "${f.id}" replaces is not found exactly once ` +
            "(an older version of this patch? reinstall the driver: rm -rf node_modules/postgres && npm install)",
        );
      }
      const replacement = f.replace ?? f.find + f.add;
      writeFileSync(file, text.slice(0, at) + replacement + text.slice(at + f.find.length));
      applied++;
    }
  }
  return applied;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const n = patchDriver();
    console.log(`postgres.js ${driverVersion() ?? "(not installed)"}: ${n} fix(es) applied, driver patched`);
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
}
