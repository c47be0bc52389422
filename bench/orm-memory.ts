/**
 * Child process of bench/orm.ts: loads every row of the load table once, through the raw driver
 * (`raw`) or as athanor instances (`athanor`), and prints memory growth over the idle baseline as
 * JSON: peak RSS (the OS high-water mark), peak heap (heapUsed + external, sampled every 2 ms and
 * right after the load) and the heap retained by the result after a full GC.
 * Run: node --expose-gc --import tsx bench/orm-memory.ts <raw|athanor> <dialect> <url> <rows>
 */
import { resourceUsage } from "node:process";
import { createEngine, select, Session } from "athanor";
import { LoadItem, LOAD_TABLE, WRITE_TABLE } from "./orm-models.js";
import { openOrmRaw } from "./orm-raw.js";
import type { BenchTarget } from "./targets.js";

const [side, dialect, url, rowsArg] = process.argv.slice(2) as [string, BenchTarget["name"], string, string];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

let load: () => Promise<unknown[]>;
let keep: unknown;
let close: () => Promise<void>;
if (side === "raw") {
  const raw = await openOrmRaw({ name: dialect, url, drop: async () => undefined }, WRITE_TABLE);
  await raw.exec("SELECT 1");
  load = () => raw.loadAll(LOAD_TABLE);
  close = () => raw.close();
} else {
  const engine = createEngine(url);
  // Warm-up: connect, compile the select, load a few objects (then let them go).
  {
    const warm = new Session(engine);
    await warm.scalars(select(LoadItem).limit(10));
    await warm.close();
  }
  const session = new Session(engine);
  keep = session; // the identity map is part of what the objects cost
  load = () => session.scalars(select(LoadItem));
  close = async () => {
    await session.close();
    await engine.dispose();
  };
}

const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
gc();
gc();
const rssBefore = process.memoryUsage().rss;
const maxRssBefore = resourceUsage().maxRSS * 1024;
const heapBefore = heap();
let peakHeap = heapBefore;
const timer = setInterval(() => (peakHeap = Math.max(peakHeap, heap())), 2);
const rows = await load();
peakHeap = Math.max(peakHeap, heap());
clearInterval(timer);
const maxRssAfter = resourceUsage().maxRSS * 1024;
gc();
gc();
const retained = heap() - heapBefore;
if (rows.length !== Number(rowsArg) || keep === null) throw new Error(`loaded ${rows.length} rows`);
await close();
console.log(
  JSON.stringify({
    side,
    rows: rows.length,
    peakRss: maxRssAfter - rssBefore,
    rssHighWaterBefore: maxRssBefore - rssBefore,
    peakHeap: peakHeap - heapBefore,
    retained,
  }),
);
