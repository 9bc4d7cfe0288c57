// Generates a deterministic TypeScript corpus: application code (services, repositories, controllers, utilities)
// of which a given share talks to a queue library. Used by bench/run.mjs.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DOMAINS = ['order', 'invoice', 'customer', 'shipment', 'payment', 'catalog', 'review', 'cart', 'refund', 'stock'];

function plainModule(i, domain) {
  const Name = domain[0].toUpperCase() + domain.slice(1);
  const dep = `./util-${(i + 7) % 50}.js`;
  return `import { formatAmount } from '${dep}';

export interface ${Name}Record${i} {
  id: string;
  createdAt: Date;
  amountCents: number;
  tags: string[];
}

/** Keeps ${domain} records in memory and answers simple queries. */
export class ${Name}Repository${i} {
  private readonly items = new Map<string, ${Name}Record${i}>();

  add(record: ${Name}Record${i}): void {
    this.items.set(record.id, record);
  }

  find(id: string): ${Name}Record${i} | undefined {
    return this.items.get(id);
  }

  publish(event: string): string {
    // An app's own publish method: not a queue call.
    return \`\${event}:\${this.items.size}\`;
  }

  totals(): { count: number; amount: string } {
    let sum = 0;
    for (const item of this.items.values()) sum += item.amountCents;
    return { count: this.items.size, amount: formatAmount(sum) };
  }
}

export function summarize${i}(records: ${Name}Record${i}[]): Record<string, number> {
  const byTag: Record<string, number> = {};
  for (const record of records) {
    for (const tag of record.tags) byTag[tag] = (byTag[tag] ?? 0) + 1;
  }
  return byTag;
}

export async function retry${i}<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  let last: unknown;
  for (let n = 0; n < attempts; n++) {
    try {
      return await fn();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** n));
    }
  }
  throw last;
}
`;
}

function tracedModule(i, domain, leaks) {
  const Name = domain[0].toUpperCase() + domain.slice(1);
  return `import { trace, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('${domain}');

interface ${Name}Request${i} {
  id: string;
  userId: string;
  email: string;
  items: number;
}

export function handle${i}(request: ${Name}Request${i}) {
  return tracer.startActiveSpan('${domain}.handle', (span: Span) => {
    span.setAttribute('${domain}.id', request.id);
    span.setAttribute('user.id', request.userId);
    span.setAttribute('${domain}.item_count', request.items);
    ${leaks ? "span.setAttribute('customer.email', request.email);" : "span.setAttribute('customer.email_domain', request.email.split('@')[1] ?? '');"}
    span.end();
    return request.id;
  });
}
`;
}

function utilModule(i) {
  return `export function formatAmount(cents: number): string {
  return (cents / 100).toFixed(2);
}

export const UTIL_${i} = ${i};
`;
}

function queueModule(i, domain) {
  const kind = i % 3;
  if (kind === 0) {
    return `import amqp, { type Channel } from 'amqplib';

export async function publish${i}(channel: Channel, id: string) {
  channel.publish('shop', '${domain}.created', Buffer.from(id), { persistent: true });
}

export async function consume${i}(url: string) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.consume('${domain}-events', (msg) => {
    if (msg) channel.ack(msg);
  });
}
`;
  }
  if (kind === 1) {
    return `import { Kafka } from 'kafkajs';

const kafka = new Kafka({ clientId: 'svc-${i}', brokers: ['localhost:9092'] });

export async function send${i}(id: string) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: '${domain}-events', messages: [{ key: id, value: id }] });
}
`;
  }
  return `import { Queue, Worker } from 'bullmq';

const queue = new Queue('${domain}-jobs');

export async function enqueue${i}(id: string) {
  await queue.add('process', { id });
}

export const worker${i} = new Worker('${domain}-jobs', async (job) => {
  return job.data;
});
`;
}

/**
 * Writes `count` files into `dir` (recreated): `queueShare` of them use a queue library, `tracedShare` write
 * span attributes through @opentelemetry/api (a quarter of those an email).
 */
export function generateCorpus(dir, { count = 5000, queueShare = 0.02, tracedShare = 0.1, nodeModules } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  if (nodeModules) symlinkSync(nodeModules, join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-corpus', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'] }, include: ['src'] }),
  );
  const every = Math.round(1 / queueShare);
  let queues = 0;
  let traced = 0;
  for (let i = 0; i < count; i++) {
    const domain = DOMAINS[i % DOMAINS.length];
    let text;
    let name;
    if (i % every === every - 1) {
      text = queueModule(i, domain);
      name = `${domain}-messaging-${i}.ts`;
      queues++;
    } else if (tracedShare > 0 && i % Math.round(1 / tracedShare) === 3) {
      text = tracedModule(i, domain, traced % 4 === 0);
      name = `${domain}-traced-${i}.ts`;
      traced++;
    } else if (i < 500 && i % 10 === 0) {
      text = utilModule(i / 10);
      name = `util-${i / 10}.ts`;
    } else {
      text = plainModule(i, domain);
      name = `${domain}-${i}.ts`;
    }
    writeFileSync(join(dir, 'src', name), text);
  }
  return { files: count, queueFiles: queues, tracedFiles: traced };
}
