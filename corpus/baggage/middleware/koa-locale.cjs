const { context, propagation } = require('@opentelemetry/api');

/** @param {import('koa').Context} ctx @param {() => Promise<void>} next */
async function localeBaggage(ctx, next) {
  /** @type {'en' | 'de' | 'fr'} */
  const locale = ctx.state.locale || 'en';
  const bag = propagation.createBaggage({
    'user.locale': { value: locale }, // ok
    'tenant.id': { value: ctx.state.tenantId }, // ok
    'search.query': { value: ctx.query.q || '' }, // pii
    'http.body': { value: JSON.stringify(ctx.request.body) }, // pii
  });
  await context.with(propagation.setBaggage(context.active(), bag), next);
}

/** @param {import('koa').Context} ctx @param {() => Promise<void>} next */
async function experimentBaggage(ctx, next) {
  const arms = ctx.state.experiments || [];
  const bag = propagation.createBaggage({ 'exp.arms': { value: arms.join(',') } }); // pii
  const armCount = propagation.createBaggage({ 'exp.count': { value: String(arms.length) } }); // ok
  await context.with(propagation.setBaggage(propagation.setBaggage(context.active(), bag), armCount), next);
}

module.exports = { localeBaggage, experimentBaggage };
