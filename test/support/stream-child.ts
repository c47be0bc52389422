/**
 * Child process for the streaming memory test: streams `rows` rows from a cross join and prints
 * the number of rows seen and the peak RSS (MB) as JSON. Run with `node --import tsx`.
 */
import { column, createEngine, insert, Integer, MetaData, select, String, Table } from "athanor";

const [url, rowsArg] = process.argv.slice(2);
const side = Math.round(Math.sqrt(Number(rowsArg)));
const md = new MetaData();
const t = new Table("stream_src", md, { n: column(Integer, { primaryKey: true }), label: column(String(40)) });

const engine = createEngine(url!);
await md.dropAll(engine);
await md.createAll(engine);
await engine.execute(insert(t).values(Array.from({ length: side }, (_, i) => ({ n: i, label: `row label number ${i}` }))));

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 20);
const b = t.alias("b");
let count = 0;
let checksum = 0;
{
  await using conn = await engine.connect();
  for await (const row of conn.stream(select(t.c.n, b.c.n.as("m"), b.c.label).from(t).crossJoin(b), undefined, { batchSize: 1000 })) {
    count++;
    checksum += row.n + row.m;
    if ((count & 0x3fff) === 0) sample();
  }
}
clearInterval(timer);
sample();
await md.dropAll(engine);
await engine.dispose();
console.log(JSON.stringify({ count, checksum, peakMb: Math.round(peak / 1048576) }));
