'use strict';

const { EventEmitter } = require('node:events');

class Hooks extends EventEmitter {
  /** @param {string} name @param {unknown} payload */
  publish(name, payload) {
    return this.emit(name, payload);
  }
}

module.exports = new Hooks();
