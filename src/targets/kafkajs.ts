import type { TargetModule } from './types.js';

export const kafkajs: TargetModule = {
  library: 'kafkajs',
  targets: [],
};
