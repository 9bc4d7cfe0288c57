type Listener = (data: unknown) => void;

/** Same-process fan-out for websocket sessions on this node. */
export class LocalPubSub {
  private topics = new Map<string, Set<Listener>>();

  subscribe(topic: string, fn: Listener): () => void {
    const set = this.topics.get(topic) ?? new Set<Listener>();
    set.add(fn);
    this.topics.set(topic, set);
    return () => set.delete(fn);
  }

  publish(topic: string, data: unknown): number {
    const set = this.topics.get(topic);
    set?.forEach((fn) => fn(data));
    return set?.size ?? 0;
  }
}

export const sessions = new LocalPubSub();
