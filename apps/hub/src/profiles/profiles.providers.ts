import type { Provider } from '@nestjs/common';
import { DeviceRegistryService } from '@hub/devices';
import { DeviceProfileRepository, ProfileBook } from '@hub/profiles';
import { Store } from '@hub/store';
import { DeviceProfilesController } from './device-profiles.controller';
import { DeviceProfilesService } from './device-profiles.service';

export const PROFILE_CONTROLLERS = [DeviceProfilesController];

/** Device profiles in memory with their decoders, which the registry checks devices against and ingest decodes with. */
export function profileProviders(): Provider[] {
  return [
    { provide: DeviceProfileRepository, useFactory: (store: Store) => new DeviceProfileRepository(store), inject: [Store] },
    {
      provide: ProfileBook,
      // Loaded before ingest and the registry use it: they ask it synchronously, per message and per device.
      useFactory: async (repository: DeviceProfileRepository, registry: DeviceRegistryService) => {
        const book = new ProfileBook();
        book.load(await repository.loadAll());
        registry.useProfiles(book);
        return book;
      },
      inject: [DeviceProfileRepository, DeviceRegistryService],
    },
    DeviceProfilesService,
  ];
}
