'use strict';

const { Redis } = require('ioredis');

// Used for the websocket fan-out and a few counters, not for jobs.
const redis = new Redis(process.env.REDIS_URL || 'redis://localhost:6379');

module.exports = redis;
