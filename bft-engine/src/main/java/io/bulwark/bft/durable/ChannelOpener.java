package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * How the write path opens its files: {@link FileChannel#open} in production; tests give a channel
 * that crashes after a number of bytes or fails its {@code force}.
 */
@FunctionalInterface
public interface ChannelOpener {
    ChannelOpener DEFAULT = (path, options) -> FileChannel.open(path, options);

    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
