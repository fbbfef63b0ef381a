// Headless Debian chromium through playwright-core (never a downloaded browser): the flags keep it
// from touching the network or a profile on its own.
import { access, constants } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Whether an executable chromium is at `path`. */
export async function chromiumAvailable(path: string = DEFAULT_CHROMIUM_PATH): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Launches chromium with a fresh temporary profile (playwright creates and removes it). */
export function launchChromium(path: string = DEFAULT_CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath: path, headless: true, args: [...CHROMIUM_ARGS] });
}
