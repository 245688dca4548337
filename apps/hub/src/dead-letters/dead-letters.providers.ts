import type { Provider } from '@nestjs/common';
import type { DeviceAreaLookup } from '@hub/access';
import type { HubConfig } from '@hub/config';
import { DeadLetterRepository } from '@hub/pipeline';
import type { SqliteDatabase } from '@hub/store';
import { DEVICE_AREA_LOOKUP, SQLITE_DATABASE } from '../hub.tokens';
import { DeadLettersController } from './dead-letters.controller';

export const DEAD_LETTER_CONTROLLERS = [DeadLettersController];

/** Refused readings, kept with their reason; town-scoped views ask the device registry where a device is. */
export function deadLetterProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: DeadLetterRepository,
      useFactory: (db: SqliteDatabase, areaOf: DeviceAreaLookup) => new DeadLetterRepository(db, config.deadLetters.maxRows, config.deadLetters.maxPayloadBytes, areaOf),
      inject: [SQLITE_DATABASE, DEVICE_AREA_LOOKUP],
    },
  ];
}
