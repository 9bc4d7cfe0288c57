import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Puts @confluentinc/kafka-javascript's typings (only) into node_modules for the fixtures that import it:
    // installing the package would run its librdkafka build.
    globalSetup: ['test/support/typings.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: broker tests share RabbitMQ/Redis/NATS, so files run one after another.
    fileParallelism: false,
    // Execution tests make rewritten handlers fail on purpose; their rejections are the application's, as
    // they would be in production, and the tests assert on them.
    onUnhandledError: (error) => !String((error as Error)?.message ?? error).includes('expected by test'),
  },
});
