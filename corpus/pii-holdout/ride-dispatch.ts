import { trace, metrics, context, propagation, SpanStatusCode, Span } from '@opentelemetry/api';
import { coords, dialCountry, fullName, LatLng } from './lib-people';

const tracer = trace.getTracer('ride-dispatch', '3.4.1');
const meter = metrics.getMeter('ride-dispatch');
const assigned = meter.createCounter('dispatch.assigned');
const waitMs = meter.createHistogram('dispatch.wait_ms', { unit: 'ms' });

export interface RideRequest {
  requestId: string;
  riderId: number;
  rider: { firstName: string; lastName: string; phone: string };
  pickup: LatLng;
  dropoff: LatLng;
  zone: string;
  product: 'standard' | 'xl' | 'pool';
  notes?: string;
  requestedAt: number;
}

interface Driver {
  id: string;
  licenseNo: string;
  vehicle: { model: string; seats: number };
  position: LatLng;
  rating: number;
}

const EARTH_KM = 6371;

function haversineKm(a: LatLng, b: LatLng): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.sqrt(h));
}

function riderRef(id: number): string {
  return `r-${id.toString(36)}`;
}

function nearest(drivers: Driver[], p: LatLng, seats: number): Driver | undefined {
  return drivers
    .filter((d) => d.vehicle.seats >= seats)
    .sort((x, y) => haversineKm(x.position, p) - haversineKm(y.position, p))[0];
}

class NoDriverError extends Error {
  constructor(where: string) {
    super(`no driver available near ${where}`);
    this.name = 'NoDriverError';
  }
}

export async function dispatch(req: RideRequest, pool: Driver[]): Promise<Driver> {
  const span = tracer.startSpan('dispatch.match', { attributes: { 'ride.product': req.product, 'ride.zone': req.zone } }); // ok
  try {
    span.setAttribute('ride.rider', riderRef(req.riderId)); // ok
    const { pickup } = req;
    const origin = coords(pickup);
    span.setAttribute('ride.origin', origin); // pii
    span.setAttribute('ride.market', dialCountry(req.rider.phone)); // ok
    const label = fullName(req.rider);
    span.setAttribute('ride.passenger', label); // pii

    const extra = req.notes ?? '';
    if (extra) span.addEvent('rider.note', { text: extra }); // pii

    const seats = req.product === 'xl' ? 6 : 4;
    const best = nearest(pool, pickup, seats);
    if (!best) throw new NoDriverError(origin);

    span.setAttributes({ 'driver.id': best.id, 'driver.rating': best.rating }); // ok
    const { licenseNo: credential } = best;
    span.setAttribute('driver.credential', credential); // pii
    span.updateName(`dispatch.match ${req.product}`); // ok

    const bag = propagation.createBaggage({ 'ride.zone': { value: req.zone }, 'ride.request_id': { value: req.requestId } }); // ok
    const contact = req.rider.phone;
    const handoff = bag.setEntry('ride.contact', { value: contact }); // pii
    await context.with(propagation.setBaggage(context.active(), handoff), () => notifyDriver(best, req));

    assigned.add(1, { zone: req.zone, product: req.product }); // ok
    waitMs.record(Date.now() - req.requestedAt, { zone: req.zone }); // ok
    return best;
  } catch (err) {
    span.recordException(err as Error); // pii
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name }); // ok
    throw err;
  } finally {
    span.end();
  }
}

async function notifyDriver(driver: Driver, req: RideRequest): Promise<void> {
  const span: Span | undefined = trace.getActiveSpan();
  const message = `Pickup ${req.rider.firstName} at ${coords(req.pickup)}`;
  span?.addEvent('driver.push', { 'driver.id': driver.id, bytes: message.length }); // ok
  span?.addEvent('driver.push.body', { message }); // pii
}
