import type { TargetModule } from './types.js';

export const bullmq: TargetModule = {
  library: 'bullmq',
  targets: [],
};
