// Element names of the system source's features (features.md §3.7), shared by the feature sources (which
// read them) and the matcher's catalogue (which checks rules against them).

/**
 * The `system.dmiid` attributes: the files of /sys/devices/virtual/dmi/id that NFD reads (§3.7.3); serial
 * numbers and UUIDs deliberately not.
 */
export const DMI_ID_ATTRIBUTES: readonly string[] = [
  'bios_date',
  'bios_vendor',
  'bios_version',
  'board_asset_tag',
  'board_name',
  'board_vendor',
  'board_version',
  'chassis_asset_tag',
  'chassis_type',
  'chassis_vendor',
  'chassis_version',
  'product_family',
  'product_name',
  'product_sku',
  'product_version',
  'sys_vendor',
];
