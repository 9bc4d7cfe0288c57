import { Socket } from 'node:net';

export interface Service {
  name: string;
  host: string;
  port: number;
  /** How to start it on this machine, shown when it is down. */
  start: string;
}

export const RABBITMQ: Service = { name: 'RabbitMQ', host: '127.0.0.1', port: 5672, start: 'rabbitmq-server -detached' };
export const REDIS: Service = { name: 'Redis', host: '127.0.0.1', port: 6379, start: "redis-server --daemonize yes --port 6379 --save ''" };
export const NATS: Service = { name: 'NATS', host: '127.0.0.1', port: 4222, start: 'nats-server -js &' };
export const POSTGRES: Service = { name: 'PostgreSQL', host: '127.0.0.1', port: 5432, start: 'pg_ctlcluster <version> main start' };

function reachable({ host, port }: Service, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Whether a broker test can run. Under CI=true an unreachable broker fails the run; elsewhere the test is
 * skipped with a message naming the service.
 */
export async function serviceAvailable(service: Service): Promise<boolean> {
  if (await reachable(service)) return true;
  const message = `${service.name} is unreachable at ${service.host}:${service.port} (start it with: ${service.start})`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}
