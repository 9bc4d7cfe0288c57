import { resolve } from 'node:path';
import { ConfigError, loadConfig, type LoadedConfig } from '../config.js';
import { findSourceFiles, PathError } from '../files/walk.js';

export interface Inputs {
  paths: string[];
  loaded: LoadedConfig;
  files: string[];
}

/**
 * The config and the source files a command works on (default path: `.`), or the message of a usage or
 * configuration error (exit code 2 for every command).
 */
export async function resolveInputs(paths: string[], configPath: string | undefined, onLink?: (note: string) => void): Promise<Inputs | { error: string }> {
  const roots = paths.length > 0 ? paths : ['.'];
  try {
    const loaded = loadConfig(resolve(roots[0]!), configPath);
    const files = await findSourceFiles(roots, { exclude: loaded.config.exclude, excludeRoot: loaded.root, onLink });
    return { paths: roots, loaded, files };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PathError) return { error: error.message };
    throw error;
  }
}
