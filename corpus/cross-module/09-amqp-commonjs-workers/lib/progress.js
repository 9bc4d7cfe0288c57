'use strict';

const { EventEmitter } = require('node:events');

const progress = new EventEmitter();
progress.setMaxListeners(50);

module.exports = { progress };
