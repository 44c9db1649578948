package dev.spool.coordinator.fsck;

import java.nio.file.Path;

/**
 * One problem {@code spool fsck} found.
 *
 * @param check the stable code of the check, e.g. {@code stale_temp_file}
 * @param path the file concerned
 * @param detail what is wrong and what to do, for a human
 * @param repaired true when {@code --repair} fixed it
 */
public record Finding(String check, Path path, String detail, boolean repaired) {}
