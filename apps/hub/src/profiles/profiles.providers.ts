import type { Provider } from '@nestjs/common';
import { DeviceRegistryService } from '@hub/devices';
import { DeviceProfileRepository, ProfileBook } from '@hub/profiles';
import type { SqliteDatabase } from '@hub/store';
import { SQLITE_DATABASE } from '../hub.tokens';
import { DeviceProfilesController } from './device-profiles.controller';
import { DeviceProfilesService } from './device-profiles.service';

export const PROFILE_CONTROLLERS = [DeviceProfilesController];

/** Device profiles in memory with their decoders, which the registry checks devices against and ingest decodes with. */
export function profileProviders(): Provider[] {
  return [
    { provide: DeviceProfileRepository, useFactory: (db: SqliteDatabase) => new DeviceProfileRepository(db), inject: [SQLITE_DATABASE] },
    {
      provide: ProfileBook,
      useFactory: (repository: DeviceProfileRepository, registry: DeviceRegistryService) => {
        const book = new ProfileBook();
        book.load(repository.loadAll());
        registry.useProfiles(book);
        return book;
      },
      inject: [DeviceProfileRepository, DeviceRegistryService],
    },
    DeviceProfilesService,
  ];
}
