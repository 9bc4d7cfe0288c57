import { amqplib } from './amqplib.js';
import type { Target, TargetModule } from './types.js';

export type { Target, TargetModule } from './types.js';

/** Every library otelify knows. Adding a library means adding its file here. */
export const targetModules: TargetModule[] = [amqplib];

export const builtinTargets: Target[] = targetModules.flatMap((m) => m.targets);
