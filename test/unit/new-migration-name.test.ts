import { migrationFolderName } from '../../src/db/new-migration';

describe('migrationFolderName', () => {
  const now = new Date('2026-11-28T09:08:07.654Z');
  it('prefixes a UTC timestamp and slugs the name like prisma migrate dev', () => {
    expect(migrationFolderName('Add action-item Priority!', now)).toBe(
      '20261128090807_add_action_item_priority',
    );
  });
  it('refuses a name with nothing usable in it', () => {
    expect(() => migrationFolderName('!!!', now)).toThrow(/needs a name/);
  });
});
