import { trace, metrics } from '@opentelemetry/api';

const tracer = trace.getTracer('web-analytics', '1.8.0');
const meter = metrics.getMeter('web-analytics');
const clicks = meter.createCounter('ui.clicks');
const paint = meter.createHistogram('web.lcp', { unit: 'ms' });

function template() {
  return document.body.dataset.template || 'unknown';
}

function readCookie(name) {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : '';
}

export function trackPageView() {
  const span = tracer.startSpan('page_view', { attributes: { 'page.template': template() } }); // ok
  span.setAttribute('page.location', location.href); // pii
  span.setAttribute('page.from', document.referrer); // pii
  span.setAttribute('page.state', document.cookie); // pii
  const visit = readCookie('sid') || localStorage.getItem('sid') || '';
  span.setAttribute('page.visit', visit); // pii
  span.setAttribute('page.consented', readCookie('consent') === 'yes'); // ok
  span.end();
}

export function trackNearby(onDone) {
  navigator.geolocation.getCurrentPosition((pos) => {
    const span = tracer.startSpan('store_locator'); // ok
    const { latitude, longitude, accuracy } = pos.coords;
    span.setAttributes({ 'geo.lat': latitude, 'geo.lon': longitude }); // pii
    span.setAttribute('geo.accuracy_m', Math.round(accuracy)); // ok
    span.end();
    onDone(latitude, longitude);
  });
}

document.addEventListener('click', (ev) => {
  const el = ev.target instanceof Element ? ev.target.closest('[data-track]') : null;
  if (!el) return;
  clicks.add(1, { target: el.getAttribute('data-track'), template: template() }); // ok
});

document.addEventListener('submit', (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement)) return;
  const span = tracer.startSpan('form_submit'); // ok
  const data = new FormData(form);
  span.setAttribute('form.fields', [...data.keys()].join(',')); // ok
  span.setAttribute('form.values', [...data.values()].filter((v) => typeof v === 'string').join('|')); // pii
  const feedback = form.querySelector('textarea');
  if (feedback) span.addEvent('form.feedback', { chars: feedback.value.length }); // ok
  if (feedback) span.addEvent('form.feedback_text', { text: feedback.value }); // pii
  span.end();
});

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    paint.record(entry.startTime, { template: template() }); // ok
  }
}).observe({ type: 'largest-contentful-paint', buffered: true });

trackPageView();
