import { EventEmitter } from 'node:events';

/** In-process events: not a queue, and otelify leaves them alone. */
export const events = new EventEmitter();

export function publish(name: string, payload: unknown) {
  events.emit(name, payload);
}
