import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('web-rum');

const ROUTES = ['/', '/account', '/orders/:id', '/reset/:token', '/search'];

/**
 * @param {string} path
 * @returns {string}
 */
function routeTemplate(path) {
  const segs = path.split('/');
  for (const r of ROUTES) {
    const rs = r.split('/');
    if (rs.length === segs.length && rs.every((p, i) => p.startsWith(':') || p === segs[i])) return r;
  }
  return 'unknown';
}

/** @param {ParentNode} root */
export function instrumentForms(root = document) {
  root.querySelectorAll('form').forEach((form) => {
    form.addEventListener('submit', () => {
      const s = tracer.startSpan('form.submit'); // ok
      s.setAttribute('form.fields', form.elements.length); // ok
      for (const el of Array.from(form.elements)) {
        if (el instanceof HTMLInputElement && el.name) s.setAttribute('form.input.' + el.name, el.value); // pii
        if (el instanceof HTMLInputElement && el.name) s.setAttribute('form.filled.' + el.name, el.value !== ''); // ok
      }
      s.end();
    });
  });

  const box = root.querySelector('#site-search');
  if (box instanceof HTMLInputElement) {
    box.addEventListener('change', () => {
      const val = box.value;
      const s = trace.getActiveSpan();
      if (s) s.setAttribute('ui.search', val); // pii
      if (s) s.setAttribute('ui.search_len', val.length); // ok
    });
  }
}

export function pageView() {
  const s = tracer.startSpan('page.view'); // ok
  s.setAttribute('page.url', location.href); // pii
  s.setAttribute('page.route', routeTemplate(location.pathname)); // ok
  s.setAttribute('page.cookies', document.cookie); // pii
  s.setAttribute('page.has_session', document.cookie.includes('sid=')); // ok
  const sid = document.cookie.split('; ').find((c) => c.startsWith('sid='))?.slice(4);
  s.setAttribute('session.id', sid || ''); // pii
  const saved = localStorage.getItem('profile');
  const p = saved ? JSON.parse(saved) : null;
  s.setAttribute('page.user', p ? p.email : ''); // pii
  navigator.geolocation.getCurrentPosition((pos) => {
    s.setAttributes({ 'geo.lat': pos.coords.latitude, 'geo.lon': pos.coords.longitude }); // pii
    s.setAttribute('geo.accuracy_m', Math.round(pos.coords.accuracy)); // ok
    s.end();
  }, () => s.end());
}
