import { unplugin } from './unplugin.js';

/** otelify as a esbuild plugin: `import otelify from 'otelify/esbuild'`. */
export default unplugin.esbuild;
