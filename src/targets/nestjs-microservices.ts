import { defineLibrary } from './define.js';

const clientTypes = ['ClientProxy', 'ClientKafkaProxy'];
const withoutHeaders = {
  types: ['ClientRedis', 'ClientTCP', 'ClientMqtt'],
  note: "this client's transport sends no message headers: its messages get a PRODUCER span, but the handler's span starts a new trace",
};
const interceptor = { decorator: 'UseInterceptors', module: '@nestjs/common', runtime: 'nestMessageInterceptor', contextOnly: 'nestMessageContext' };

/**
 * `@nestjs/microservices`: a client proxy's `emit` / `send`, and `@EventPattern` / `@MessagePattern` handler
 * methods. The transport (and so where a message keeps headers) is chosen where the client or the
 * microservice is set up, so the runtime tells it from the client and the handler's RPC context.
 */
export const nestjsMicroservices = defineLibrary({
  library: 'nestjs-microservices',
  modules: ['@nestjs/microservices'],
  // Names the library in reports; each span's `messaging.system` is the transport's, told at run time.
  system: 'nestjs-microservices',
  targets: [
    {
      id: 'nestjs-microservices.emit',
      role: 'produce-client',
      operation: 'publish',
      match: { kind: 'method', types: clientTypes, method: 'emit' },
      wrapper: 'traceNestClient',
      withoutHeaders,
    },
    {
      id: 'nestjs-microservices.send',
      role: 'produce-client',
      operation: 'send',
      match: { kind: 'method', types: clientTypes, method: 'send' },
      wrapper: 'traceNestClient',
      withoutHeaders,
    },
    {
      id: 'nestjs-microservices.emit-batch',
      role: 'produce-client',
      operation: 'publish',
      match: { kind: 'method', types: ['ClientKafka', 'ClientKafkaProxy'], method: 'emitBatch' },
      wrapper: 'traceNestClient',
    },
    {
      id: 'nestjs-microservices.event-pattern',
      role: 'consume-method',
      operation: 'process',
      match: { kind: 'decorator', decorator: 'EventPattern' },
      interceptor,
    },
    {
      id: 'nestjs-microservices.message-pattern',
      role: 'consume-method',
      operation: 'process',
      match: { kind: 'decorator', decorator: 'MessagePattern' },
      interceptor,
    },
  ],
});
