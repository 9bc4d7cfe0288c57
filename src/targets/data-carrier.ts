import { DATA_CARRIER_KEY, type Target } from './types.js';

/**
 * The target with its data carrier paths naming `key` (the config's `dataCarrierKey`, or the default), so
 * that producers inject under that key and consumers' specs read it from there.
 */
export function withDataCarrierKey(target: Target, key: string): Target {
  const named = (path: string) => path.split(DATA_CARRIER_KEY).join(key);
  if (target.role === 'produce' && target.carrier.path.includes(DATA_CARRIER_KEY)) {
    return { ...target, carrier: { ...target.carrier, path: named(target.carrier.path) } };
  }
  if ((target.role === 'consume' || target.role === 'consume-loop') && target.spec.headers.includes(DATA_CARRIER_KEY)) {
    return { ...target, spec: { ...target.spec, headers: named(target.spec.headers) } };
  }
  return target;
}
