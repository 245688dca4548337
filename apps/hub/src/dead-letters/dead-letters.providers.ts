import { Logger, type Provider } from '@nestjs/common';
import type { HubConfig } from '@hub/config';
import { DEAD_LETTER_BUFFER, DeadLetterRepository, DeadLetterWriter } from '@hub/pipeline';
import { Store } from '@hub/store';
import { DeadLettersController } from './dead-letters.controller';

export const DEAD_LETTER_CONTROLLERS = [DeadLettersController];

/**
 * Refused readings, kept with their reason. Everything that refuses a message records through the writer, which
 * commits concurrent letters together; town-scoped views join the registry's table for a device's town.
 */
export function deadLetterProviders(config: HubConfig): Provider[] {
  return [
    {
      provide: DeadLetterRepository,
      useFactory: (store: Store) => new DeadLetterRepository(store, config.deadLetters.maxRows, config.deadLetters.maxPayloadBytes),
      inject: [Store],
    },
    {
      provide: DeadLetterWriter,
      useFactory: (repository: DeadLetterRepository) => new DeadLetterWriter(repository, new Logger(DeadLetterWriter.name), DEAD_LETTER_BUFFER),
      inject: [DeadLetterRepository],
    },
  ];
}
