#!/usr/bin/env node
// Starts @vercel/cosmosdb-server (a Cosmos DB NoSQL-API protocol server, in memory) for local runs
// and for the Cosmos test suite.
//
//   node server.js [--port N] [--host 127.0.0.1]      (or COSMOS_EMULATOR_PORT / COSMOS_EMULATOR_HOST)
//
// Port 0 (the default) takes a free port. Once listening, it prints exactly one JSON line on stdout:
//   {"event":"listening","host":"127.0.0.1","port":12345,"endpoint":"https://127.0.0.1:12345/"}
// It exits on SIGTERM/SIGINT, and when its stdin closes if stdin is a pipe or socket (so a test
// process that dies takes its server with it). --watch-stdin / --no-watch-stdin force either way.
//
// It uses the package's createHttpsServer({ keepAlive: true }) API: the package's CLI closes every
// connection after one response, which makes each SDK request pay for a new TLS handshake.
"use strict";

const fs = require("fs");
const { createHttpsServer } = require("@vercel/cosmosdb-server");

function parseArgs(argv) {
  const args = {
    port: process.env.COSMOS_EMULATOR_PORT ?? "0",
    host: process.env.COSMOS_EMULATOR_HOST ?? "127.0.0.1",
    watchStdin: undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--port" || arg === "-p") args.port = argv[++i];
    else if (arg.startsWith("--port=")) args.port = arg.slice("--port=".length);
    else if (arg === "--host") args.host = argv[++i];
    else if (arg.startsWith("--host=")) args.host = arg.slice("--host=".length);
    else if (arg === "--watch-stdin") args.watchStdin = true;
    else if (arg === "--no-watch-stdin") args.watchStdin = false;
    else if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: node server.js [--port N (0 = free port)] [--host 127.0.0.1] [--watch-stdin|--no-watch-stdin]\n");
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument: ${arg}\n`);
      process.exit(2);
    }
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid port: ${args.port}\n`);
    process.exit(2);
  }
  args.port = port;
  return args;
}

const args = parseArgs(process.argv.slice(2));
const server = createHttpsServer({ keepAlive: true });

// Idle keep-alive connections stay open longer than the .NET client keeps them in its pool (1 min by
// default), so the client never sends a request on a connection the server is just closing.
server.keepAliveTimeout = 10 * 60 * 1000;

// Known gap of the package: a point read (GET .../docs/{id}) of an item that does not exist answers
// 500 (a TypeError inside the package) where Cosmos DB answers 404. Turn exactly that case into the
// real service's 404 so that clients see what Azure Cosmos DB would send. Nothing else is changed.
const DOC_READ = /^\/dbs\/[^/]+\/colls\/[^/]+\/docs\/[^/?]+(\?.*)?$/;
const MISSING_ITEM_ERROR = /Cannot read propert(y|ies) of undefined/;
// Second gap: the SDK addresses some resources by resource id (for instance GET /dbs/{rid}/colls/{rid}/pkranges
// before a query). Cosmos DB puts a rid's base64 "/" in URLs as "-", and the package never maps it back, so about
// one database or collection in 64 (those whose rid has a "/") answers 404 there, and every query on it fails.
// Map a rid-shaped segment (base64 of 4 or 8 bytes, with its padding) back, as %2F so that it stays one path
// segment (the package's router decodes parameters); names never end in "=".
const RID_SEGMENT = /^(\/dbs\/)([A-Za-z0-9+-]{6}==)(\/colls\/([A-Za-z0-9+-]{11}=))?(?=\/|\?|$)/;
function unescapeRids(url) {
  return url.replace(RID_SEGMENT, (match, dbs, db, colls, coll) =>
    dbs + db.replace(/-/g, "%2F") + (colls ? "/colls/" + coll.replace(/-/g, "%2F") : ""));
}

// Third gap: Cosmos DB serves an ORDER BY on several paths from a composite index on them in the index's directions
// or in all of them reversed ((a ASC, b ASC) serves both "a ASC, b ASC" and "a DESC, b DESC"); the package's query
// engine accepts only the index's own directions. Give its check each declared index's reversed twin too; mixed
// directions an index doesn't declare stay refused, as in Cosmos DB.
const queryHelpers = require("@zeit/cosmosdb-query/lib/helpers");
const packageSort = queryHelpers.sort;
const flip = order => (order === "descending" ? "ascending" : "descending");
queryHelpers.sort = (collection, getRid, compositeIndexes, ...orders) =>
  packageSort(
    collection,
    getRid,
    compositeIndexes && compositeIndexes.concat(compositeIndexes.map(index => index.map(path => ({ ...path, order: flip(path.order ?? "ascending") })))),
    ...orders,
  );

const [packageHandler] = server.listeners("request");
server.removeAllListeners("request");
// Fourth gap: a single-partition query sent for optimistic direct execution (the SDK's way of running it with no
// query-plan request) is answered by Cosmos DB with x-ms-cosmos-query-requiresdistribution: false, meaning "this
// partition ran the whole query, ORDER BY included; follow my continuation". Without it the SDK assumes the query
// needs distributing and asks for a query plan, which the package can't serve. The package does run the whole query
// (it always reads one partition), so answer what Cosmos DB answers.
const QUERY_DOCS = /^\/dbs\/[^/]+\/colls\/[^/]+\/docs\/?(\?.*)?$/;
function isDirectExecution(req) {
  return req.method === "POST" && QUERY_DOCS.test(req.url)
    && String(req.headers["x-ms-cosmos-query-optimisticdirectexecute"] ?? "").toLowerCase() === "true"
    && String(req.headers["x-ms-documentdb-isquery"] ?? "").toLowerCase() === "true";
}

server.on("request", (req, res) => {
  if (req.url.includes("-")) req.url = unescapeRids(req.url);
  if (isDirectExecution(req)) res.setHeader("x-ms-cosmos-query-requiresdistribution", "false");
  if (req.method === "GET" && DOC_READ.test(req.url)) {
    const end = res.end;
    res.end = function patchedEnd(chunk, ...rest) {
      if (res.statusCode === 500 && !res.headersSent && typeof chunk === "string") {
        let message = "";
        try {
          message = JSON.parse(chunk).message ?? "";
        } catch {
          // not the package's JSON error body: leave it alone
        }
        if (MISSING_ITEM_ERROR.test(message)) {
          res.statusCode = 404;
          chunk = JSON.stringify({
            code: "NotFound",
            message: "Entity with the specified id does not exist in the system.",
          });
        }
      }
      return end.call(this, chunk, ...rest);
    };
  }
  packageHandler(req, res);
});
// The package logs that TypeError for every such read; keep stderr for real errors.
const consoleError = console.error;
console.error = (...items) => {
  const [first] = items;
  if (first instanceof TypeError && MISSING_ITEM_ERROR.test(first.message) && /read-document/.test(first.stack ?? "")) return;
  consoleError(...items);
};

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(code));
  // Keep-alive connections would hold close() open; end them.
  if (typeof server.closeAllConnections === "function") server.closeAllConnections();
  setTimeout(() => process.exit(code), 2000).unref();
}

process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));

server.on("error", err => {
  process.stderr.write(`cosmosdb-server: ${err.message}\n`);
  process.exit(1);
});

server.listen(args.port, args.host, () => {
  const { address, port } = server.address();
  const host = address.includes(":") ? `[${address}]` : address;
  process.stdout.write(`${JSON.stringify({ event: "listening", host: address, port, endpoint: `https://${host}:${port}/` })}\n`);

  let watch = args.watchStdin;
  if (watch === undefined) {
    try {
      const stat = fs.fstatSync(0);
      watch = stat.isFIFO() || stat.isSocket();
    } catch {
      watch = false;
    }
  }
  if (watch) {
    process.stdin.on("end", () => stop(0));
    process.stdin.on("close", () => stop(0));
    process.stdin.on("error", () => stop(0));
    process.stdin.resume();
  }
});
