import { createServer, type Socket } from 'node:net';

/**
 * A loopback Kafka broker for execution tests: one node, one partition per topic, in memory. It speaks the
 * real wire protocol, at the lowest versions that carry record headers, so the real kafkajs client (producer
 * and consumer group) runs unchanged against it. It advertises exactly the versions it implements.
 */

const API = {
  Produce: { key: 0, version: 3 },
  Fetch: { key: 1, version: 4 },
  ListOffsets: { key: 2, version: 1 },
  Metadata: { key: 3, version: 1 },
  OffsetCommit: { key: 8, version: 2 },
  OffsetFetch: { key: 9, version: 1 },
  FindCoordinator: { key: 10, version: 0 },
  JoinGroup: { key: 11, version: 0 },
  Heartbeat: { key: 12, version: 0 },
  LeaveGroup: { key: 13, version: 0 },
  SyncGroup: { key: 14, version: 0 },
  ApiVersions: { key: 18, version: 0 },
} as const;

const UNSUPPORTED_VERSION = 35;

export interface WireRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

/** Reads the big-endian primitives of Kafka requests. */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  int8() {
    return this.buf.readInt8(this.pos++);
  }
  int16() {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32() {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64() {
    const v = Number(this.buf.readBigInt64BE(this.pos));
    this.pos += 8;
    return v;
  }
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const v = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return v;
  }
  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    const v = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return v;
  }
  array<T>(item: () => T): T[] {
    const length = this.int32();
    return Array.from({ length: Math.max(0, length) }, item);
  }
  /** Zig-zag varint, as used inside record batches. */
  varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf[this.pos++]!;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return (value >>> 1) ^ -(value & 1);
  }
  varlong(): number {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const byte = BigInt(this.buf[this.pos++]!);
      value |= (byte & 0x7fn) << shift;
      if ((byte & 0x80n) === 0n) break;
      shift += 7n;
    }
    return Number((value >> 1n) ^ -(value & 1n));
  }
  raw(length: number): Buffer {
    const v = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return v;
  }
  skip(length: number) {
    this.pos += length;
  }
}

/** Builds responses. */
class Writer {
  private readonly parts: Buffer[] = [];
  private push(size: number, write: (b: Buffer) => void) {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }
  int8(v: number) {
    return this.push(1, (b) => b.writeInt8(v));
  }
  int16(v: number) {
    return this.push(2, (b) => b.writeInt16BE(v));
  }
  int32(v: number) {
    return this.push(4, (b) => b.writeInt32BE(v));
  }
  int64(v: number) {
    return this.push(8, (b) => b.writeBigInt64BE(BigInt(v)));
  }
  string(v: string | null) {
    if (v === null) return this.int16(-1);
    const s = Buffer.from(v, 'utf8');
    this.int16(s.length);
    this.parts.push(s);
    return this;
  }
  bytes(v: Buffer | null) {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    this.parts.push(v);
    return this;
  }
  array<T>(items: T[], write: (w: Writer, item: T) => void) {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }
  toBuffer() {
    return Buffer.concat(this.parts);
  }
}

interface Batch {
  baseOffset: number;
  count: number;
  bytes: Buffer;
}

interface Group {
  generation: number;
  members: Map<string, Buffer>;
  protocol: string;
  leader: string;
  assignments: Map<string, Buffer>;
  offsets: Map<string, number>;
}

// Byte positions inside a v2 record batch header.
const BATCH_LENGTH_AT = 8;
const LAST_OFFSET_DELTA_AT = 23;
const RECORDS_COUNT_AT = 57;

export async function startKafkaBroker() {
  const logs = new Map<string, Batch[]>();
  const groups = new Map<string, Group>();
  const sockets = new Set<Socket>();
  let memberSeq = 0;

  const logOf = (topic: string) => {
    let log = logs.get(topic);
    if (!log) logs.set(topic, (log = []));
    return log;
  };
  const endOffset = (topic: string) => logOf(topic).reduce((end, b) => Math.max(end, b.baseOffset + b.count), 0);

  function groupOf(id: string): Group {
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { generation: 0, members: new Map(), protocol: '', leader: '', assignments: new Map(), offsets: new Map() }));
    return group;
  }

  async function handle(apiKey: number, version: number, r: Reader, port: number): Promise<Buffer> {
    const w = new Writer();
    switch (apiKey) {
      case API.ApiVersions.key:
        // kafkajs asks for its newest version first and steps down on UNSUPPORTED_VERSION.
        if (version !== 0) return w.int16(UNSUPPORTED_VERSION).toBuffer();
        return w.int16(0).array(Object.values(API), (x, api) => x.int16(api.key).int16(api.version).int16(api.version)).toBuffer();
      case API.Metadata.key: {
        const requested = r.array(() => r.string()!);
        const topics = requested.length > 0 ? requested : [...logs.keys()];
        topics.forEach(logOf);
        return w
          .array([0], (x) => x.int32(0).string('127.0.0.1').int32(port).string(null))
          .int32(0)
          .array(topics, (x, topic) =>
            x.int16(0).string(topic).int8(0).array([0], (p) => p.int16(0).int32(0).int32(0).array([0], (q) => q.int32(0)).array([0], (q) => q.int32(0))),
          )
          .toBuffer();
      }
      case API.Produce.key: {
        r.string();
        r.int16();
        r.int32();
        const topics = r.array(() => ({ topic: r.string()!, data: r.array(() => ({ partition: r.int32(), records: r.bytes()! })) }));
        const results = topics.map(({ topic, data }) => ({
          topic,
          partitions: data.map(({ partition, records }) => {
            const baseOffset = endOffset(topic);
            // A request may hold several batches back to back.
            for (let at = 0; at < records.length; ) {
              const length = records.readInt32BE(at + BATCH_LENGTH_AT) + 12;
              const bytes = Buffer.from(records.subarray(at, at + length));
              const start = endOffset(topic);
              bytes.writeBigInt64BE(BigInt(start), 0); // offsets are the broker's to assign (not covered by the CRC)
              logOf(topic).push({ baseOffset: start, count: bytes.readInt32BE(LAST_OFFSET_DELTA_AT) + 1, bytes });
              at += length;
            }
            waiters.splice(0).forEach((wake) => wake());
            return { partition, baseOffset };
          }),
        }));
        return w
          .array(results, (x, t) => x.string(t.topic).array(t.partitions, (p, part) => p.int32(part.partition).int16(0).int64(part.baseOffset).int64(-1)))
          .int32(0)
          .toBuffer();
      }
      case API.Fetch.key: {
        r.int32();
        const maxWait = r.int32();
        r.int32();
        r.int32();
        r.int8();
        const topics = r.array(() => ({ topic: r.string()!, partitions: r.array(() => ({ partition: r.int32(), offset: r.int64(), maxBytes: r.int32() })) }));
        const pending = () => topics.some(({ topic, partitions }) => partitions.some((p) => endOffset(topic) > p.offset));
        if (!pending()) await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(maxWait, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        return w
          .int32(0)
          .array(topics, (x, { topic, partitions }) =>
            x.string(topic).array(partitions, (p, { partition, offset }) => {
              const batches = logOf(topic).filter((b) => b.baseOffset + b.count > offset);
              p.int32(partition).int16(0).int64(endOffset(topic)).int64(endOffset(topic)).int32(0);
              p.bytes(Buffer.concat(batches.map((b) => b.bytes)));
            }),
          )
          .toBuffer();
      }
      case API.ListOffsets.key: {
        r.int32();
        const topics = r.array(() => ({ topic: r.string()!, partitions: r.array(() => ({ partition: r.int32(), timestamp: r.int64() })) }));
        return w
          .array(topics, (x, { topic, partitions }) =>
            x.string(topic).array(partitions, (p, { partition, timestamp }) => p.int32(partition).int16(0).int64(-1).int64(timestamp === -2 ? 0 : endOffset(topic))),
          )
          .toBuffer();
      }
      case API.FindCoordinator.key:
        r.string();
        return w.int16(0).int32(0).string('127.0.0.1').int32(port).toBuffer();
      case API.JoinGroup.key: {
        const group = groupOf(r.string()!);
        r.int32();
        let memberId = r.string()!;
        r.string();
        const protocols = r.array(() => ({ name: r.string()!, metadata: r.bytes()! }));
        if (!memberId) memberId = `member-${++memberSeq}`;
        // One member at a time: each join starts a new generation led by the joiner.
        group.members = new Map([[memberId, protocols[0]!.metadata]]);
        group.generation++;
        group.protocol = protocols[0]!.name;
        group.leader = memberId;
        return w
          .int16(0)
          .int32(group.generation)
          .string(group.protocol)
          .string(group.leader)
          .string(memberId)
          .array([...group.members], (x, [id, metadata]) => x.string(id).bytes(metadata))
          .toBuffer();
      }
      case API.SyncGroup.key: {
        const group = groupOf(r.string()!);
        r.int32();
        const memberId = r.string()!;
        for (const { id, assignment } of r.array(() => ({ id: r.string()!, assignment: r.bytes()! }))) group.assignments.set(id, assignment);
        return w.int16(0).bytes(group.assignments.get(memberId) ?? Buffer.alloc(0)).toBuffer();
      }
      case API.Heartbeat.key:
      case API.LeaveGroup.key:
        return w.int16(0).toBuffer();
      case API.OffsetCommit.key: {
        const group = groupOf(r.string()!);
        r.int32();
        r.string();
        r.int64();
        const topics = r.array(() => ({ topic: r.string()!, partitions: r.array(() => ({ partition: r.int32(), offset: r.int64(), metadata: r.string() })) }));
        for (const { topic, partitions } of topics) for (const { partition, offset } of partitions) group.offsets.set(`${topic}/${partition}`, offset);
        return w.array(topics, (x, { topic, partitions }) => x.string(topic).array(partitions, (p, { partition }) => p.int32(partition).int16(0))).toBuffer();
      }
      case API.OffsetFetch.key: {
        const group = groupOf(r.string()!);
        const topics = r.array(() => ({ topic: r.string()!, partitions: r.array(() => r.int32()) }));
        return w
          .array(topics, (x, { topic, partitions }) =>
            x.string(topic).array(partitions, (p, partition) => p.int32(partition).int64(group.offsets.get(`${topic}/${partition}`) ?? -1).string('').int16(0)),
          )
          .toBuffer();
      }
      default:
        throw new Error(`kafka fake: api ${apiKey} v${version} is not implemented`);
    }
  }

  const waiters: (() => void)[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32BE(0) + 4) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        // Requests on one connection are answered in order.
        queue = queue.then(async () => {
          const r = new Reader(frame);
          const apiKey = r.int16();
          const version = r.int16();
          const correlationId = r.int32();
          r.string(); // client id
          const body = await handle(apiKey, version, r, port);
          const header = Buffer.alloc(8);
          header.writeInt32BE(body.length + 4, 0);
          header.writeInt32BE(correlationId, 4);
          if (!socket.destroyed) socket.write(Buffer.concat([header, body]));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    brokers: [`127.0.0.1:${port}`],
    /** The records of a topic as they are stored: what producers put on the wire. */
    records(topic: string): WireRecord[] {
      return logOf(topic).flatMap(decodeBatch);
    },
    async close() {
      waiters.splice(0).forEach((wake) => wake());
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Uncompressed v2 record batch → records. */
function decodeBatch(batch: Batch): WireRecord[] {
  const r = new Reader(batch.bytes);
  r.skip(RECORDS_COUNT_AT);
  const count = r.int32();
  const records: WireRecord[] = [];
  for (let i = 0; i < count; i++) {
    r.varint(); // record length
    r.int8(); // attributes
    r.varlong(); // timestamp delta
    const offsetDelta = r.varint();
    const keyLength = r.varint();
    const key = keyLength < 0 ? null : Buffer.from(r.raw(keyLength));
    const valueLength = r.varint();
    const value = valueLength < 0 ? null : Buffer.from(r.raw(valueLength));
    const headers: Record<string, Buffer> = {};
    const headerCount = r.varint();
    for (let h = 0; h < headerCount; h++) {
      const name = r.raw(r.varint()).toString('utf8');
      const length = r.varint();
      headers[name] = Buffer.from(r.raw(Math.max(0, length)));
    }
    records.push({ offset: batch.baseOffset + offsetDelta, key, value, headers });
  }
  return records;
}
