package io.bulwark.store.unreplicated;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The unreplicated store's wire format, both ends: a request is {@code [i32 length][i32 client][u8 read-only][operation]},
 * a reply {@code [i32 length][result]}, lengths counting what follows them, at most {@link #MAX_FRAME} bytes.
 */
public final class UnreplicatedFrames {
    /** Largest frame either end accepts (the engine's default bound on a request is far below it). */
    public static final int MAX_FRAME = 8 << 20;

    public record Request(int client, boolean readOnly, byte[] operation) {}

    private UnreplicatedFrames() {}

    public static void writeRequest(DataOutputStream out, int client, boolean readOnly, byte[] operation) throws IOException {
        if (operation.length + 5 > MAX_FRAME) throw new IllegalArgumentException("operation of " + operation.length + " bytes is over the frame bound " + MAX_FRAME);
        out.writeInt(operation.length + 5);
        out.writeInt(client);
        out.writeByte(readOnly ? 1 : 0);
        out.write(operation);
        out.flush();
    }

    /** The next request; null at a clean end of stream; {@link MalformedFrameException} for anything else than a request. */
    public static Request readRequest(DataInputStream in) throws IOException {
        int len;
        try {
            len = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        if (len < 5 || len > MAX_FRAME) throw new MalformedFrameException(len > MAX_FRAME ? "too-large" : "too-short", "request frame of " + len + " bytes");
        int client = in.readInt();
        int ro = in.readUnsignedByte();
        if (ro > 1) throw new MalformedFrameException("bad-flag", "read-only flag " + ro);
        byte[] op = in.readNBytes(len - 5);
        if (op.length != len - 5) throw new EOFException("request cut short");
        return new Request(client, ro == 1, op);
    }

    public static void writeReply(DataOutputStream out, byte[] result) throws IOException {
        out.writeInt(result.length);
        out.write(result);
        out.flush();
    }

    public static byte[] readReply(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) throw new MalformedFrameException("too-large", "reply frame of " + len + " bytes");
        byte[] result = in.readNBytes(len);
        if (result.length != len) throw new EOFException("reply cut short");
        return result;
    }

    /** A frame that breaks the format; {@link #reason()} is the counter it is counted under. */
    public static final class MalformedFrameException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        MalformedFrameException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** The rejection reason it is counted under ("too-large", "bad-flag", ...). */
        public String reason() { return reason; }
    }
}
