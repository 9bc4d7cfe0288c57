import { unplugin } from './unplugin.js';

/** otelify as a vite plugin: `import otelify from 'otelify/vite'`. */
export default unplugin.vite;
