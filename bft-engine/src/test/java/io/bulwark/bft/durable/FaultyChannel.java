package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file channel that simulates a crash: writes reach the file only while a byte budget (shared by
 * every channel of one {@link Faults}) lasts; the write that exhausts it lands partly (a torn
 * write) and throws, and from then on every write and force throws. {@code failForce} makes every
 * force throw instead (an fsync error) without writing anything more.
 */
class FaultyChannel extends FileChannel {
    /** The shared state of one simulated crash. */
    static final class Faults {
        final AtomicLong budget;
        volatile boolean crashed, failForce;
        final AtomicLong written = new AtomicLong(), forces = new AtomicLong();
        /** The bytes written before each write call began: where the interesting crash points are. */
        final java.util.List<Long> boundaries = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        Faults(long budget) { this.budget = new AtomicLong(budget); }

        ChannelOpener opener() { return (path, options) -> new FaultyChannel(FileChannel.open(path, options), this); }
    }

    private final FileChannel in;
    private final Faults faults;

    FaultyChannel(FileChannel in, Faults faults) {
        this.in = in;
        this.faults = faults;
    }

    private void alive() throws IOException {
        if (faults.crashed) throw new IOException("simulated crash: the process is gone");
    }

    private int limited(ByteBuffer src, long pos, boolean positional) throws IOException {
        alive();
        faults.boundaries.add(faults.written.get());
        int want = src.remaining();
        long allowed = Math.min(want, Math.max(0, faults.budget.get()));
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) allowed);
        int n = 0;
        while (part.hasRemaining()) n += positional ? in.write(part, pos + n) : in.write(part);
        src.position(src.position() + n);
        faults.budget.addAndGet(-n);
        faults.written.addAndGet(n);
        if (n < want) {
            faults.crashed = true;
            throw new IOException("simulated crash after " + n + " of " + want + " bytes");
        }
        return n;
    }

    @Override public int write(ByteBuffer src) throws IOException { return limited(src, 0, false); }

    @Override public int write(ByteBuffer src, long position) throws IOException { return limited(src, position, true); }

    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
        return n;
    }

    @Override public void force(boolean metaData) throws IOException {
        alive();
        if (faults.failForce) throw new IOException("simulated fsync failure");
        faults.forces.incrementAndGet();
        in.force(metaData);
    }

    @Override public int read(ByteBuffer dst) throws IOException { return in.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return in.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return in.read(dst, position); }
    @Override public long position() throws IOException { return in.position(); }
    @Override public FileChannel position(long p) throws IOException { in.position(p); return this; }
    @Override public long size() throws IOException { return in.size(); }
    @Override public FileChannel truncate(long size) throws IOException { alive(); in.truncate(size); return this; }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return in.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) { throw new UnsupportedOperationException(); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) { throw new UnsupportedOperationException(); }
    @Override public FileLock lock(long position, long size, boolean shared) { throw new UnsupportedOperationException(); }
    @Override public FileLock tryLock(long position, long size, boolean shared) { throw new UnsupportedOperationException(); }
    @Override protected void implCloseChannel() throws IOException { in.close(); }
}
