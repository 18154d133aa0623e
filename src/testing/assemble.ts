/**
 * Builds the emulator's parts without a server, wired into the in-process Fetch front: the same
 * assembly `startEmulator` puts its `node:http` listener in front of.
 */
import { type AssembleOptions, type EmulatorParts, assembleEmulatorParts } from '../emulator/assemble.js';
import type { EmulatorConfig, EmulatorConfigInput } from '../emulator/config/types.js';
import { type FetchFront, createFetchFront } from '../emulator/core/fetch-front.js';

export type { AssembleOptions };

/** The assembled emulator with its Fetch front. */
export interface AssembledEmulator extends Omit<EmulatorParts, 'front'> {
  readonly front: FetchFront;
}

/**
 * Assembles the emulator.
 *
 * @throws TipError `ERR_EMULATOR_CONFIG` for an invalid configuration.
 */
export async function assembleEmulator(
  configOrPath: EmulatorConfigInput | EmulatorConfig | string,
  options: AssembleOptions = {},
): Promise<AssembledEmulator> {
  const parts = await assembleEmulatorParts(configOrPath, options);
  return { ...parts, front: createFetchFront(parts.front) };
}
