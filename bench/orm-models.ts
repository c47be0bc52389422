/**
 * The models the ORM benchmarks use (bench/orm.ts and its memory child, bench/orm-memory.ts): one
 * table to load from, one to write to. Both have the same four columns; `id` is generated.
 */
import { column, declarativeBase, Integer, mapped, MetaData, String } from "athanor";

export const Base = declarativeBase({ metadata: new MetaData() });

const columns = () => ({
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
  email: column(String(100)),
  score: column(Integer),
});

/** Rows read by the 100,000-row load. */
@mapped
export class LoadItem extends Base.model("bench_orm_load", columns()) {}

/** Rows written by the insert, update and one-at-a-time benchmarks. */
@mapped
export class Item extends Base.model("bench_orm_items", columns()) {}

export const LOAD_TABLE = "bench_orm_load";
export const WRITE_TABLE = "bench_orm_items";

/** One row's values; the raw side fills `id` from RETURNING as the ORM does. */
export interface ItemRow {
  id?: number;
  name: string;
  email: string;
  score: number;
}

/** The values of row `i` (the same on both sides). */
export function itemRow(i: number): ItemRow {
  return { name: `item ${i}`, email: `item${i}@example.com`, score: i % 1000 };
}
