package io.bulwark.bft.msg;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread (HotSpot's ThreadMXBean), or -1 where unsupported. */
public final class Allocation {
    private Allocation() {}

    public static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
            if (!t.isThreadAllocatedMemoryEnabled()) t.setThreadAllocatedMemoryEnabled(true);
            return t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
