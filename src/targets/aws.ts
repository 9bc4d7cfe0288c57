import type { TargetModule } from './types.js';

export const aws: TargetModule = {
  library: 'aws',
  targets: [],
};
