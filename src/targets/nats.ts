import type { TargetModule } from './types.js';

export const nats: TargetModule = {
  library: 'nats',
  targets: [],
};
