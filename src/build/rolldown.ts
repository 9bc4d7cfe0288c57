import { unplugin } from './unplugin.js';

/** otelify as a Rolldown plugin: `import otelify from 'otelify/rolldown'`. */
export default unplugin.rolldown;
