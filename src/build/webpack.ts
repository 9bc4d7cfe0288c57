import { unplugin } from './unplugin.js';

/** otelify as a webpack plugin: `import otelify from 'otelify/webpack'`. */
export default unplugin.webpack;
