import { unplugin } from './unplugin.js';

/** otelify as a rspack plugin: `import otelify from 'otelify/rspack'`. */
export default unplugin.rspack;
