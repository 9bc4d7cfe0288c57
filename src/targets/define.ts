import type { Target, TargetModule } from './types.js';

/** What every target of a library shares; a target may still name its own (Bedrock's commands, SNS next to SQS). */
type Shared = 'library' | 'modules' | 'system';

/** A target as its library's file writes it: what the library declares once may be left out. */
export type TargetSpec<T extends Target = Target> = T extends unknown ? Omit<T, Shared> & Partial<Pick<T, Extract<keyof T, Shared>>> : never;

export interface LibraryDeclaration {
  /** Library name used in reports, in `--only` and in `disable`. */
  library: string;
  /** Package names whose declarations count as this library (typings packages included). */
  modules: string[];
  /** `messaging.system` of its messaging targets. */
  system?: string;
  /** The runtime has an adapter for it (`@otelify/runtime/<library>`), loaded beside the runtime by its call sites. */
  adapter?: boolean;
  targets: TargetSpec[];
}

/** One library: its join points, each filled in with what the library declares once. */
export function defineLibrary(declaration: LibraryDeclaration): TargetModule {
  const { library, modules, system, adapter, targets } = declaration;
  return {
    library,
    modules,
    ...(adapter ? { adapter } : {}),
    targets: targets.map((spec) => {
      const isMessaging = spec.role !== 'llm';
      const filled = { library, modules, ...(isMessaging && system ? { system } : {}), ...spec } as Target;
      if (isMessaging && !('system' in filled)) throw new Error(`otelify: target ${spec.id} names no messaging system`);
      return filled;
    }),
  };
}
