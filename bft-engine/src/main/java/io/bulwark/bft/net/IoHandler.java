package io.bulwark.bft.net;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * Reacts to readiness of one channel registered with an {@link EventLoop}. Runs on the loop
 * thread. If it throws, the loop logs and counts the failure and closes the channel (fail closed:
 * a handler that threw may have left its state inconsistent, and a level-triggered key that is
 * never serviced would make the selector spin).
 */
@FunctionalInterface
interface IoHandler {
    void ready(SelectionKey key) throws IOException;
}
