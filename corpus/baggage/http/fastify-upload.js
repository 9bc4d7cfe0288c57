import Fastify from 'fastify';
import { context, propagation } from '@opentelemetry/api';

const app = Fastify();

/** @param {string} uploadId */
async function scan(uploadId) {
  await fetch(`http://scanner.internal/uploads/${uploadId}`, { method: 'POST' });
}

app.post('/uploads/:uploadId/complete', async (request, reply) => {
  const { uploadId } = request.params;
  const { tags = [], size, contentType, description } = request.body;
  const bag = propagation.createBaggage({
    'upload.id': { value: uploadId }, // ok
    'upload.size': { value: String(size) }, // ok
    'upload.content_type': { value: contentType }, // ok
    'upload.tags': { value: tags.join(' ') }, // pii
    'upload.description': { value: description || '' }, // pii
    'upload.callback': { value: String(request.query.callback || '') }, // pii
    'client.forwarded_for': { value: request.headers['x-forwarded-for'] || '' }, // pii
  });
  await context.with(propagation.setBaggage(context.active(), bag), () => scan(uploadId));
  return reply.code(202).send();
});

export default app;
