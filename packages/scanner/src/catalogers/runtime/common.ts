import type { Package } from '@bulwark/core';
import type { FileInput } from '../types.js';
import { makePackage } from '../util.js';

/** The package a runtime cataloger reports: the runtime itself, a generic package in the runtime's own ecosystem. */
export function runtimePackage(file: FileInput, foundBy: string, name: string, ecosystem: string, version: string, metadata: Record<string, unknown>): Package {
  return makePackage({ name, version, type: 'generic', ecosystem, foundBy, path: file.path, layer: file.layer, metadata });
}
