import type { HandlerMethodTarget, LLMTarget, LoopTarget, ProduceTarget, Target } from '../targets/types.js';

/** The targets by what a matcher looks up first: a method, class or function name, or a loop's element type. */
export class TargetIndex {
  readonly byMethod = new Map<string, Target[]>();
  readonly byClass = new Map<string, Target[]>();
  readonly byFunction = new Map<string, Target[]>();
  /** Targets whose call site is `new Command(...)` sent by a method (`client.send`), by that method's name. */
  readonly commandsBySend = new Map<string, (ProduceTarget | LLMTarget)[]>();
  readonly loops: LoopTarget[] = [];
  /** Decorated handler methods, by the decorator's name. */
  readonly byDecorator = new Map<string, HandlerMethodTarget[]>();

  constructor(targets: readonly Target[]) {
    for (const target of targets) {
      if (target.role === 'consume-loop') {
        this.loops.push(target);
        continue;
      }
      if (target.role === 'consume-method') {
        this.byDecorator.set(target.match.decorator, [...(this.byDecorator.get(target.match.decorator) ?? []), target]);
        continue;
      }
      const { match } = target;
      const key = match.kind === 'method' ? match.method : match.kind === 'new' ? match.class : match.name;
      const map = match.kind === 'method' ? this.byMethod : match.kind === 'new' ? this.byClass : this.byFunction;
      map.set(key, [...(map.get(key) ?? []), target]);
      if ((target.role === 'produce' || target.role === 'llm') && target.sendMethod && match.kind === 'new') {
        this.commandsBySend.set(target.sendMethod, [...(this.commandsBySend.get(target.sendMethod) ?? []), target]);
      }
    }
  }
}
