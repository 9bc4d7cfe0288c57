import { unplugin } from './unplugin.js';

/** otelify as a rollup plugin: `import otelify from 'otelify/rollup'`. */
export default unplugin.rollup;
