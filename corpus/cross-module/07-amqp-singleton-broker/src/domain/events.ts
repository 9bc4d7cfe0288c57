type Handler<T> = (payload: T) => void | Promise<void>;

/** In-process domain events; handlers run in the same tick as the command. */
export class DomainEvents {
  private handlers = new Map<string, Handler<unknown>[]>();

  subscribe<T>(name: string, handler: Handler<T>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<unknown>);
    this.handlers.set(name, list);
  }

  async publish<T>(name: string, payload: T): Promise<void> {
    for (const h of this.handlers.get(name) ?? []) await h(payload);
  }
}

export const domainEvents = new DomainEvents();
