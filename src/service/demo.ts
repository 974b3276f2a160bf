/** The demo catalogue `npm start` creates on first start, so a newcomer sees a working feed at once. */
import type { ForyouService } from './foryou-service.js';

export const DEMO_USER = 'demo';

export async function ensureDemoCatalogue(service: ForyouService, log: (line: string) => void): Promise<void> {
  if ((await service.store.getMeta('demo')) !== undefined) return;
  log('foryou: demo catalogue not available yet');
}
