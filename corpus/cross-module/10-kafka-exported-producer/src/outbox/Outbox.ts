export interface OutboxRow {
  id: number;
  topic: string;
  key: string;
  payload: string;
}

/** Minimal in-memory outbox; production uses a Postgres table with the same shape. */
export class Outbox {
  private rows: OutboxRow[] = [];
  private nextId = 1;

  add(topic: string, key: string, payload: unknown): OutboxRow {
    const row = { id: this.nextId++, topic, key, payload: JSON.stringify(payload) };
    this.rows.push(row);
    return row;
  }

  drain(): OutboxRow[] {
    const out = this.rows;
    this.rows = [];
    return out;
  }
}

export const outbox = new Outbox();
